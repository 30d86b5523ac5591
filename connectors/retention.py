"""How long the hub keeps a partner's data, and whom a person asks about that partner's data.

Declared per partner in ``partners.yaml`` (``contact:`` and ``retention:``) and validated here with
the rest of the configuration, so a term the hub may not keep is refused before anything runs.

The hub's copy serves the pilot (seeing who is involved with a family) and is kept far shorter
than the partner's own dossier; the Verwijsindex removes a signal after 2 years, the default here.
A hub term is counted from the case's end (``case_end``) or from the household's last activity
(``household_activity``). The partner's own term (``partner_term``) is declared next to it; a hub
term longer than the partner's own term is a ConfigError naming partner and case type. Terms that
depend on a child's age (Veilig Thuis: until the youngest child is 18) have no fixed length; they
are applied per case when retention runs (:mod:`hub.store.retention`). See docs/retention.md.
"""

from dataclasses import dataclass, field
from typing import Any

from foundation.errors import ConfigError
from schemas.canonical import CASE_TYPES

HUB_ANCHORS = ("case_end", "household_activity")
"""What a hub term counts from: the end of the case, or the household's last activity."""
PARTNER_ANCHORS = ("case_end", "birth", "majority", "youngest_child_majority")
"""What a partner's own term counts from (the child's birth or 18th birthday, ...)."""
LATEST_CASE_END_AGE = 23
"""Oldest age at which a youth-protection case still runs (jeugdreclassering until 23): a term
counted from birth or majority lasts at least this much less after any case's end."""
DEFAULT_TERM_YEARS = 2
"""The Verwijsindex removes a signal after 2 years: the hub keeps no more by default."""


@dataclass(frozen=True)
class PartnerContact:
    """Whom a person asks about (or to correct) what this partner registered."""

    name: str
    phone: str | None = None
    email: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class Term:
    """A number of years counted from an anchor (``HUB_ANCHORS`` or ``PARTNER_ANCHORS``)."""

    years: int
    anchor: str
    note: str | None = None

    def guaranteed_after_case_end(self) -> int | None:
        """Years this term lasts at least after any case's end; None when it cannot be known
        from the configuration (an age-based term that may end before the case does)."""
        if self.anchor == "case_end":
            return self.years
        if self.anchor == "majority":
            return max(self.years + 18 - LATEST_CASE_END_AGE, 0)
        if self.anchor == "birth":
            return max(self.years - LATEST_CASE_END_AGE, 0)
        return None


@dataclass(frozen=True)
class RetentionPolicy:
    """The hub's terms for one partner: per case type, a default, and the partner's own term."""

    partner: str
    partner_term: Term
    default: Term
    case_types: dict[str, Term] = field(default_factory=dict)

    def term_for(self, case_type: str | None) -> Term:
        return self.case_types.get(case_type or "", self.default)


def _term(raw: Any, anchors: tuple[str, ...], partner: str, where: str, what: str) -> Term:
    if not isinstance(raw, dict):
        raise ConfigError(f"{what} must be a mapping {{years: N, from: ANCHOR}}",
                          partner=partner, origin=where, field=what)
    years, anchor = raw.get("years"), raw.get("from")
    if not isinstance(years, int) or isinstance(years, bool) or years < 0:
        raise ConfigError(f"{what}.years must be a whole number of years (0 or more)",
                          partner=partner, origin=where, field=what)
    if anchor not in anchors:
        raise ConfigError(f"{what}.from must be one of {', '.join(anchors)}",
                          partner=partner, origin=where, field=what)
    return Term(years=years, anchor=anchor, note=raw.get("note"))


def parse_contact(partner: str, raw: Any, where: str) -> PartnerContact | None:
    """The ``contact:`` block (name required; phone, email, address optional)."""
    if raw is None:
        return None
    if not isinstance(raw, dict) or not str(raw.get("name") or "").strip():
        raise ConfigError("contact needs at least a name", partner=partner, origin=where,
                          field="contact")
    return PartnerContact(name=str(raw["name"]), phone=raw.get("phone"), email=raw.get("email"),
                          address=raw.get("address"))


def parse_retention(partner: str, raw: Any, where: str) -> RetentionPolicy | None:
    """The ``retention:`` block; refuses a hub term longer than the partner's own term."""
    if raw is None:
        return None
    if not isinstance(raw, dict) or "partner_term" not in raw:
        raise ConfigError("retention needs the partner's own term (partner_term)",
                          partner=partner, origin=where, field="retention.partner_term")
    own = _term(raw["partner_term"], PARTNER_ANCHORS, partner, where, "retention.partner_term")
    default = _term(raw.get("default") or {"years": DEFAULT_TERM_YEARS, "from": "case_end"},
                    HUB_ANCHORS, partner, where, "retention.default")
    types_raw = raw.get("case_types") or {}
    if not isinstance(types_raw, dict):
        raise ConfigError("retention.case_types must map case type to a term", partner=partner,
                          origin=where, field="retention.case_types")
    case_types = {}
    for case_type, term_raw in types_raw.items():
        if case_type not in CASE_TYPES:
            raise ConfigError(f"unknown case type {case_type!r} in retention", partner=partner,
                              origin=where, field=f"retention.case_types.{case_type}")
        case_types[case_type] = _term(term_raw, HUB_ANCHORS, partner, where,
                                      f"retention.case_types.{case_type}")
    limit = own.guaranteed_after_case_end()
    for label, term in (("default", default), *case_types.items()):
        if limit is not None and term.years > limit:
            raise ConfigError(
                f"hub retention for case type {label} ({term.years} years from {term.anchor}) "
                f"exceeds {partner}'s own term ({own.years} years from {own.anchor}, at least "
                f"{limit} years after a case ends)", partner=partner, origin=where,
                field=f"retention.case_types.{label}" if label != "default"
                else "retention.default")
    return RetentionPolicy(partner=partner, partner_term=own, default=default,
                           case_types=case_types)
