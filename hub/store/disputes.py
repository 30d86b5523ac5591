"""Values a person disputes (GDPR art. 16), marked by a steward; the hub never edits them.

A dispute names one field of one partner's source record. It shows on the household and person
pages and in access reports, with the partner that holds the value and how to reach it, until
that partner's next delivery changes the value: each publish compares the disputed value with the
newly published one (:func:`resolve_changed`). Only a SHA-256 of the value is kept, so a disputed
BSN or address is not copied into this table in clear.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from foundation.errors import StoreError
from hub.store.versions import new_row_id, now
from schemas.store import disputes, published_version, source_records

FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("first_names", "surname_prefix", "surname"),
    "birth_date": ("birth_date",),
    "sex": ("sex",),
    "bsn": ("bsn",),
    "address": ("street", "house_number", "house_letter", "house_number_suffix", "postcode",
                "city"),
    "role": ("role",),
}
"""A disputable field and the source-record columns that make it up (compared together)."""
OPEN, CHANGED, CLEARED = "open", "changed", "cleared"


@dataclass(frozen=True)
class Dispute:
    dispute_id: int
    person_id: str
    source: str
    source_record_id: str
    field: str
    note: str | None
    status: str
    marked_by: str
    marked_at: datetime
    closed_at: datetime | None
    closed_by: str | None
    closed_version_id: int | None


def value_hash(field: str, record: dict[str, Any]) -> str:
    """SHA-256 over the field's columns of a source record (missing and empty alike)."""
    parts = ["" if record.get(c) is None else str(record.get(c)).strip() for c in FIELDS[field]]
    return hashlib.sha256("\x1f".join([field, *parts]).encode()).hexdigest()


def _published(conn: sa.Connection) -> int:
    version: int | None = conn.execute(sa.select(published_version.c.version_id)).scalar()
    if version is None:
        raise StoreError("nothing has been published yet", origin="disputes")
    return version


def _record(conn: sa.Connection, version: int, source: str,
            record_id: str) -> dict[str, Any] | None:
    r = source_records.c
    row = conn.execute(sa.select(source_records).where(
        r.version_id == version, r.source == source, r.source_record_id == record_id)).first()
    return dict(row._mapping) if row else None


def add(engine: sa.Engine, source: str, record_id: str, field: str, marked_by: str,
        note: str | None = None) -> Dispute:
    """Mark the published value of ``field`` in ``source``'s record ``record_id`` as disputed."""
    if field not in FIELDS:
        raise StoreError(f"unknown field {field!r}; choose one of {', '.join(FIELDS)}",
                         partner=source, field="field")
    with engine.begin() as conn:
        version = _published(conn)
        record = _record(conn, version, source, record_id)
        if record is None:
            raise StoreError(f"no record {record_id!r} of {source} in the published version",
                             partner=source, field="record")
        if field == "address" and record.get("address_confidential"):
            raise StoreError("a confidential address is not shown by the hub; the person "
                             "disputes it with the partner directly", partner=source,
                             field="field")
        d = disputes.c
        existing = conn.execute(sa.select(d.dispute_id).where(
            d.source == source, d.source_record_id == record_id, d.field == field,
            d.status == OPEN)).scalar()
        if existing is not None:
            raise StoreError(f"this value is already disputed (dispute {existing})",
                             partner=source, field="field")
        dispute_id = new_row_id(conn.execute(disputes.insert().values(
            person_id=record["person_id"], source=source, source_record_id=record_id,
            field=field, value_hash=value_hash(field, record), note=note, status=OPEN,
            marked_by=marked_by, marked_at=now())))
    return get(engine, dispute_id)


def get(engine: sa.Engine, dispute_id: int) -> Dispute:
    with engine.connect() as conn:
        row = conn.execute(sa.select(*_COLUMNS).where(disputes.c.dispute_id == dispute_id)).first()
    if row is None:
        raise StoreError(f"no dispute {dispute_id}", origin="disputes", field="dispute_id")
    return Dispute(**row._mapping)


_COLUMNS = [c for c in disputes.c if c.name != "value_hash"]


def listing(engine: sa.Engine | sa.Connection, person_ids: Iterable[str] | None = None,
            status: str | None = OPEN) -> list[Dispute]:
    """Disputes (open by default), optionally of some persons, oldest first."""
    query = sa.select(*_COLUMNS).order_by(disputes.c.marked_at, disputes.c.dispute_id)
    if status:
        query = query.where(disputes.c.status == status)
    if person_ids is not None:
        ids = list(person_ids)
        if not ids:
            return []
        query = query.where(disputes.c.person_id.in_(ids))
    if isinstance(engine, sa.Connection):
        return [Dispute(**r._mapping) for r in engine.execute(query)]
    with engine.connect() as conn:
        return [Dispute(**r._mapping) for r in conn.execute(query)]


def clear(engine: sa.Engine, dispute_id: int, cleared_by: str) -> Dispute:
    """Close an open dispute by hand (the person withdrew it, or it was marked by mistake)."""
    with engine.begin() as conn:
        count = conn.execute(disputes.update().where(
            disputes.c.dispute_id == dispute_id, disputes.c.status == OPEN).values(
            status=CLEARED, closed_at=now(), closed_by=cleared_by)).rowcount
    if not count:
        raise StoreError(f"no open dispute {dispute_id}", origin="disputes", field="dispute_id")
    return get(engine, dispute_id)


def resolve_changed(conn: sa.Connection, version_id: int) -> int:
    """Close the open disputes whose value the delivery in ``version_id`` changed (or removed);
    the number closed. Called by every publish, in the transaction that switches the version."""
    d = disputes.c
    open_rows = conn.execute(sa.select(d.dispute_id, d.source, d.source_record_id, d.field,
                                       d.value_hash).where(d.status == OPEN)).all()
    changed = []
    for row in open_rows:
        record = _record(conn, version_id, row.source, row.source_record_id)
        if record is None or value_hash(row.field, record) != row.value_hash:
            changed.append(row.dispute_id)
    if changed:
        conn.execute(disputes.update().where(d.dispute_id.in_(changed)).values(
            status=CHANGED, closed_at=now(), closed_by="delivery", closed_version_id=version_id))
    return len(changed)
