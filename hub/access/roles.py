"""Roles and what each may do: the one place where a permission is decided.

Least privilege: staff find families and see who to call; stewards also decide matches and read
quarantine; admins manage accounts and read the audit log but do not browse families; the privacy
officer answers access requests (GDPR art. 15, NEN 7513): one person's report, audited with the
request reference, and nothing else. A partner
affiliation (e.g. ``blijf_groep``) lets a user reveal the confidential addresses that partner
itself registered, with a stated reason; everybody else only sees that a secret address exists.
The RST coordinator (and stewards) register and end a household's fixed guide; managers see only
the aggregate monitor.
"""

from dataclasses import dataclass
from enum import StrEnum

from connectors.config import partner_keys
from foundation.settings import get_settings


class Role(StrEnum):
    STAFF = "staff"
    STEWARD = "steward"
    ADMIN = "admin"
    PRIVACY_OFFICER = "privacy_officer"
    RST_COORDINATOR = "rst_coordinator"
    MANAGER = "manager"
    OUTSIDE_PROFESSIONAL = "outside_professional"


class Permission(StrEnum):
    SEARCH = "search"
    VIEW = "view"
    REVEAL_BSN = "reveal_bsn"
    REVIEW = "review"
    QUARANTINE = "quarantine"
    MANAGE_USERS = "manage_users"
    READ_AUDIT = "read_audit"
    ACCESS_REQUEST = "access_request"
    DISPUTE = "dispute"
    MANAGE_GUIDES = "manage_guides"
    MONITOR = "monitor"
    LOOKUP = "lookup"


GRANTS: dict[Role, frozenset[Permission]] = {
    Role.STAFF: frozenset({Permission.SEARCH, Permission.VIEW, Permission.REVEAL_BSN,
                           Permission.LOOKUP}),
    Role.STEWARD: frozenset(
        {Permission.SEARCH, Permission.VIEW, Permission.REVEAL_BSN, Permission.REVIEW,
         Permission.QUARANTINE, Permission.DISPUTE, Permission.MANAGE_GUIDES, Permission.MONITOR,
         Permission.LOOKUP}
    ),
    Role.ADMIN: frozenset({Permission.MANAGE_USERS, Permission.READ_AUDIT}),
    Role.PRIVACY_OFFICER: frozenset({Permission.ACCESS_REQUEST}),
    # The Regional Safety Team's coordinator registers fixed guides: finds the household, sees
    # who is involved, no BSN reveals, no matching decisions.
    Role.RST_COORDINATOR: frozenset({Permission.SEARCH, Permission.VIEW,
                                     Permission.MANAGE_GUIDES, Permission.LOOKUP}),
    # Managers see the pilot's aggregate monitor and nothing about any family.
    Role.MANAGER: frozenset({Permission.MONITOR}),
    # "That, not what": a professional outside the pilot team (e.g. a local team) asks whether a
    # family is known and learns only that, and whom to contact (hub.web.lookup).
    Role.OUTSIDE_PROFESSIONAL: frozenset({Permission.LOOKUP}),
}

def affiliations() -> tuple[str, ...]:
    """Partner keys a user may be affiliated with: the partners in ``partners.yaml``."""
    return partner_keys(get_settings())


def __getattr__(name: str) -> tuple[str, ...]:
    """``PARTNERS``: :func:`affiliations` when asked for (the web routes import the name)."""
    if name == "PARTNERS":
        return affiliations()
    raise AttributeError(name)


@dataclass(frozen=True)
class User:
    """An authenticated account as the web app and the audit log see it."""

    id: int
    username: str
    display_name: str
    role: Role
    partner: str | None = None

    def can(self, permission: Permission) -> bool:
        return permission in GRANTS[self.role]

    def may_reveal_address_of(self, source: str) -> bool:
        """True when this user's partner registered the record whose secret address is asked."""
        return self.can(Permission.VIEW) and self.partner is not None and self.partner == source


def parse_role(text: str) -> Role:
    """Turn user input into a Role, with a clear error listing the valid ones."""
    try:
        return Role(text.strip().lower())
    except ValueError:
        valid = ", ".join(r.value for r in Role)
        raise ValueError(f"unknown role {text!r}; choose one of {valid}") from None


def parse_partner(text: str | None) -> str | None:
    """Validate a partner affiliation (empty means none)."""
    if text is None or not text.strip():
        return None
    key = text.strip().lower()
    known = affiliations()
    if key not in known:
        raise ValueError(f"unknown partner {text!r}; choose one of {', '.join(known)}")
    return key
