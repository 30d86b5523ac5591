"""Who looked at a person (NEN 7513): the audit entries that touched them, in the person's terms.

The audit log already records, for every entry, the persons it touched: a person page, a reveal
and an access report name the person (``target_id``); a search lists the persons it showed
(``detail.shown``); a household page lists its members (``detail.members``); a review item or a
decision names the two source records (``detail.pair``). An entry is this person's when one of
those is them or one of their own records. What the report shows of an entry is when, which
organisation and role, what kind of access and the stated purpose: never the user name (the
staff member's own data), the search terms or the other persons an entry touched.

The organisation is the acting account's partner affiliation as it stands in ``access_users``
when the report is made (the audit entry itself records the role, not the affiliation).
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from hub.access.audit import AuditEntry
from schemas.access import audit_log, users

PERSON_ACTIONS = ("view", "reveal", "reveal_denied", "inzage", "dispute_add", "dispute_clear")
"""Actions whose ``target_id`` is the person they concern (``target_kind`` person)."""


@dataclass(frozen=True)
class Access:
    """One access to the person, as the report lists it."""

    seq: int
    at: datetime
    action: str
    kind: str
    """person, household, search, review or decision: what was seen."""
    organisation: str | None
    role: str | None
    purpose: str | None


def _detail(entry: AuditEntry) -> dict[str, Any]:
    try:
        value = json.loads(entry.detail or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def touches(entry: AuditEntry, person_id: str, record_keys: set[str]) -> str | None:
    """What of the person the entry touched (``person``, ``search``, ...), None when nothing."""
    if entry.target_kind == "person" and entry.target_id == person_id:
        return "person"
    detail = _detail(entry)
    if entry.action == "search" and person_id in (detail.get("shown") or []):
        return "search"
    if entry.target_kind == "household" and person_id in (detail.get("members") or []):
        return "household"
    pair = detail.get("pair") or []
    if entry.target_kind == "review" and record_keys & set(pair):
        return "decision" if entry.action == "decision" else "review"
    return None


def _organisations(engine: sa.Engine) -> dict[str, str | None]:
    with engine.connect() as conn:
        return dict(conn.execute(sa.select(users.c.username, users.c.partner)).all())


def candidates(engine: sa.Engine, person_id: str, keys: set[str]) -> list[AuditEntry]:
    """Entries that may concern the person: their id as target or as a JSON string anywhere in
    the detail, or one of their record keys. The database filters (a scan of 200,000 entries
    parsed in Python took 13 s); :func:`touches` then decides exactly."""
    a = audit_log.c
    conditions = [a.target_id == person_id,
                  *(a.detail.contains(f'"{value}"', autoescape=True)
                    for value in (person_id, *sorted(keys)))]
    with engine.connect() as conn:
        rows = conn.execute(sa.select(audit_log).where(sa.or_(*conditions))
                            .order_by(a.seq)).all()
    return [AuditEntry(**row._mapping) for row in rows]


def accesses(engine: sa.Engine, person_id: str, record_keys: Iterable[str]) -> list[Access]:
    """Every audit entry that touched the person or one of their records, oldest first."""
    keys = set(record_keys)
    organisation = _organisations(engine)
    out = []
    for entry in candidates(engine, person_id, keys):
        kind = touches(entry, person_id, keys)
        if kind is None:
            continue
        out.append(Access(
            seq=entry.seq, at=datetime.fromisoformat(entry.at), action=entry.action, kind=kind,
            organisation=organisation.get(entry.actor), role=entry.role, purpose=entry.reason))
    return out
