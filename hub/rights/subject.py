"""Everything the hub holds about one person, and nothing about anybody else.

The access report is built from this and only this. What is read is filtered to the person at the
query (their own source records, their golden record, their own registrations); nothing of a
household member is read at all, so nothing of theirs can slip into a report. Addresses follow the
web app's rule (:func:`hub.web.masking.mask_source_record`): a confidential address is never put in
a report, and when the person has one at some partner, every address of theirs is withheld, since
it may be the same shelter; the report names the partner that holds it. BSNs are masked.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from foundation.display import address_text
from foundation.privacy import mask_bsn
from hub.store.disputes import Dispute
from hub.store.disputes import listing as disputes_of
from hub.store.versions import current_version_id as current_version
from schemas import store as s

NAME_FIELDS = ("first_names", "surname_prefix", "surname")
ADDRESS_FIELDS = ("street", "house_number", "house_letter", "house_number_suffix", "postcode",
                  "city")
PROVENANCE = {"bsn": "bsn_from", "name": "name_from", "birth_date": "birth_date_from",
              "sex": "sex_from", "address": "address_from"}
"""Golden-record value -> the column saying which ``source:record`` it came from."""


@dataclass
class Subject:
    """One person's data as the report shows it (BSN masked, addresses as allowed)."""

    person_id: str
    version_id: int
    golden: dict[str, Any]
    records: list[dict[str, Any]]
    registrations: list[dict[str, Any]]
    disputes: list[Dispute]
    decisions: list[dict[str, Any]] = field(default_factory=list)
    confidential_at: list[str] = field(default_factory=list)
    """Partners holding a confidential address of this person (named, never shown)."""
    shielding: list[str] = field(default_factory=list)
    """Partners holding a confidential address of *another* member of this person's household:
    the report never names them as an organisation that looked (for an ex-partner, that a
    shelter organisation looked at the family would point to where the others are)."""

    @property
    def record_keys(self) -> set[str]:
        return {f"{r['source']}:{r['source_record_id']}" for r in self.records}


def name_text(row: dict[str, Any]) -> str:
    return " ".join(str(row[k]) for k in NAME_FIELDS if row.get(k)) or "-"


def _rows(conn: sa.Connection, query: sa.Select) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in conn.execute(query)]


def _shown(row: dict[str, Any], withhold_address: bool) -> dict[str, Any]:
    """A record or golden record as the report may show it."""
    out = {k: v for k, v in row.items() if k not in ADDRESS_FIELDS and k != "bsn"}
    out["bsn_masked"] = mask_bsn(row.get("bsn"))
    out["name"] = name_text(row)
    out["address"] = None if withhold_address else address_text(row)
    out["address_withheld"] = withhold_address
    return out


def load_subject(conn: sa.Connection, person_id: str) -> Subject | None:
    """The person in the published version, or None when the hub holds nothing about them."""
    version = current_version(conn)
    if version is None:
        return None
    p, r, lk = s.persons.c, s.source_records.c, s.person_links.c
    golden_row = conn.execute(sa.select(s.persons).where(
        p.version_id == version, p.person_id == person_id)).first()
    if golden_row is None:
        return None
    golden = dict(golden_row._mapping)
    records = _rows(conn, sa.select(s.source_records, lk.match_weight, lk.explanation)
                    .outerjoin(s.person_links, sa.and_(
                        lk.version_id == r.version_id, lk.source == r.source,
                        lk.source_record_id == r.source_record_id))
                    .where(r.version_id == version, r.person_id == person_id)
                    .order_by(r.source, r.source_record_id))
    confidential_at = sorted({x["source"] for x in records if x["address_confidential"]})
    secret = bool(golden.get("has_confidential_address")) or bool(confidential_at)
    rp, rg = s.registration_persons.c, s.registrations.c
    registrations = _rows(conn, sa.select(
        rg.source, rg.case_id, rg.case_type, rg.status, rg.start_date, rg.end_date,
        rg.end_reason, rg.case_worker_name, rg.case_worker_contact,
        rp.source_record_id,
    ).join(s.registrations, sa.and_(rg.version_id == rp.version_id, rg.source == rp.source,
                                    rg.case_id == rp.case_id))
        .where(rp.version_id == version, rp.person_id == person_id)
        .order_by(rg.start_date.desc(), rg.source, rg.case_id))
    keys = [(x["source"], x["source_record_id"]) for x in records]
    d = s.steward_decisions.c
    decisions = [
        row for row in _rows(conn, sa.select(s.steward_decisions).order_by(d.decided_at))
        if (row["left_source"], row["left_record_id"]) in keys
        and (row["right_source"], row["right_record_id"]) in keys
    ]  # both sides this person's own: a decision about someone else's record is not theirs
    households = {x["household_id"] for x in records if x.get("household_id")}
    if golden.get("household_id"):
        households.add(golden["household_id"])
    sources: Sequence[str] = conn.execute(sa.select(r.source).where(
        r.version_id == version, r.household_id.in_(sorted(households)),
        r.person_id != person_id, r.address_confidential.is_(True)).distinct()).scalars().all()
    shielding = sorted(set(sources))
    return Subject(
        person_id=person_id, shielding=shielding, version_id=version, golden=_shown(golden, secret),
        records=[_shown(x, secret) for x in records], registrations=registrations,
        disputes=disputes_of(conn, [person_id]), decisions=decisions,
        confidential_at=confidential_at,
    )
