"""Reading the published version: the one read API of the store, for the web app and the CLI.

Every function takes a connection and reads the version the ``published_version`` pointer names,
so a reader never sees a half-published version. To read several things from one version while a
publish may switch the pointer, open a :func:`snapshot` and pass its ``version_id`` on.

Values are returned clear (BSN, addresses): callers mask them with :mod:`foundation.privacy` for
display.
Confidential addresses are only returned by :func:`confidential_address`, which a caller must
gate on role, reason and audit.
"""

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa

from foundation.errors import StoreError
from hub.store.chunks import in_chunks
from hub.store.versions import current_version_id
from schemas import store as s
from schemas.store import (
    household_members,
    households,
    persons,
    run_sources,
    runs,
    source_records,
    versions,
)


@dataclass(frozen=True)
class View:
    """A connection pinned to one published version."""

    conn: sa.Connection
    version_id: int


@contextmanager
def snapshot(engine: sa.Engine) -> Iterator[View]:
    """A read transaction on the currently published version.

    Raises :class:`StoreError` when nothing is published yet.
    """
    with engine.connect() as conn:
        version_id = current_version_id(conn)
        if version_id is None:
            raise StoreError("nothing is published yet: run the pipeline first")
        yield View(conn, version_id)

Record = dict[str, Any]
"""One row as column name to value."""


def _version(conn: sa.Connection, version_id: int | None) -> int | None:
    return version_id if version_id is not None else current_version_id(conn)


def _table(conn: sa.Connection, query: sa.Select[Any]) -> pd.DataFrame:
    result = conn.execute(query)
    return pd.DataFrame(result.mappings().all(), columns=list(result.keys()))


def search_persons(
    conn: sa.Connection,
    *,
    surname: str | None = None,
    first_names: str | None = None,
    birth_date: str | None = None,
    bsn: str | None = None,
    postcode: str | None = None,
    limit: int = 50,
    version_id: int | None = None,
) -> pd.DataFrame:
    """Golden records matching all given criteria (names: case-insensitive prefix on any record).

    Names are looked up in the source records as well, so a person is found by a name any partner
    uses, not only by the surviving one.
    """
    v = _version(conn, version_id)
    sr = source_records
    conditions = [sr.c.version_id == v]
    if surname:
        conditions.append(sa.func.lower(sr.c.surname).startswith(surname.strip().lower()))
    if first_names:
        conditions.append(sa.func.lower(sr.c.first_names).startswith(first_names.strip().lower()))
    if birth_date:
        conditions.append(sr.c.birth_date.startswith(birth_date.strip()))
    if bsn:
        conditions.append(sr.c.bsn == bsn.strip())
    if postcode:
        conditions.append(sr.c.postcode == postcode.replace(" ", "").upper())
    matching = sa.select(sr.c.person_id).where(*conditions).distinct().limit(limit).subquery()
    query = (
        sa.select(persons)
        .where(persons.c.version_id == v, persons.c.person_id.in_(sa.select(matching.c.person_id)))
        .order_by(persons.c.surname, persons.c.first_names, persons.c.person_id)
    )
    return _table(conn, query)


def person_households(conn: sa.Connection, person_id: str,
                      version_id: int | None = None) -> pd.DataFrame:
    """The households a person belongs to, with the person's role in each."""
    v = _version(conn, version_id)
    hm = household_members
    return _table(conn, sa.select(hm.c.household_id, hm.c.role, hm.c.roles, households)
                  .join(households, sa.and_(households.c.version_id == hm.c.version_id,
                                            households.c.household_id == hm.c.household_id))
                  .where(hm.c.version_id == v, hm.c.person_id == person_id))


def published_info(conn: sa.Connection) -> Record | None:
    """The published version: id, run, time, configuration version and row counts."""
    v = current_version_id(conn)
    if v is None:
        return None
    row = conn.execute(sa.select(versions).where(versions.c.version_id == v)).mappings().one()
    return dict(row)


def recent_runs(conn: sa.Connection, limit: int = 20) -> pd.DataFrame:
    """The latest runs (publish and erasure) with their status, newest first."""
    return _table(conn, sa.select(runs).order_by(runs.c.started_at.desc()).limit(limit))


def _latest_per_partner(conn: sa.Connection) -> pd.DataFrame:
    """Per partner: its row in the latest run that named it, and its last good extract."""
    rs = run_sources
    latest = (
        sa.select(rs.c.source, sa.func.max(runs.c.started_at).label("started_at"))
        .join(runs, runs.c.run_id == rs.c.run_id).group_by(rs.c.source).subquery()
    )
    last_good = (
        sa.select(rs.c.source, sa.func.max(rs.c.last_success_at).label("last_success_at"))
        .group_by(rs.c.source).subquery()
    )
    query = (
        sa.select(rs.c.source, rs.c.status, rs.c.counts, rs.c.error, runs.c.run_id,
                  last_good.c.last_success_at)
        .join(runs, runs.c.run_id == rs.c.run_id)
        .join(latest, sa.and_(latest.c.source == rs.c.source,
                              latest.c.started_at == runs.c.started_at))
        .join(last_good, last_good.c.source == rs.c.source)
        .order_by(rs.c.source)
    )
    return _table(conn, query)


def partner_freshness(conn: sa.Connection, at: datetime | None = None) -> pd.DataFrame:
    """Per partner: its status in the latest run that named it, last good extract and its age."""
    at = at or datetime.now(UTC)
    frame = _latest_per_partner(conn)
    stamps = pd.to_datetime(frame["last_success_at"], utc=True)
    frame["last_success_at"] = stamps
    frame["age_hours"] = ((pd.Timestamp(at) - stamps).dt.total_seconds() / 3600).round(1)
    return frame


# The pages' reads, as hub/web/store_read.py had them (moved here whole, so that the store has
# one read module): each takes the version the caller pinned with current_version().


def current_version(conn: sa.Connection) -> int | None:
    """The published version id, or None while nothing has been published."""
    return conn.execute(sa.select(s.published_version.c.version_id)).scalar()


def _rows(conn: sa.Connection, query: sa.Select[Any]) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in conn.execute(query)]


SEARCH_COLUMNS = ("person_id", "household_id", "bsn", "first_names", "surname_prefix", "surname",
                  "birth_date", "sex", "postcode", "house_number", "city",
                  "has_confidential_address", "sources")


def search_frames(conn: sa.Connection, version: int, person_ids: list[str] | None = None
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Golden persons and every source record's BSN (a mistyped one still finds the person),
    of the whole version or of ``person_ids`` only.

    Read as plain tuples in batches: a million persons as dicts would cost gigabytes.
    """
    p, r = s.persons.c, s.source_records.c
    if person_ids is not None:
        # the records by person through their index; ``bsn IS NOT NULL`` in SQL would let
        # SQLite's planner pick the BSN index and read every record with a BSN
        frames = [_search_frames_where(conn, version, p.person_id.in_(chunk),
                                      r.person_id.in_(chunk)) for chunk in in_chunks(person_ids)]
        if not frames:
            frames = [_search_frames_where(conn, version, sa.false(), sa.false())]
        bsns = pd.concat([f[1] for f in frames], ignore_index=True)
        return (pd.concat([f[0] for f in frames], ignore_index=True),
                bsns[bsns["bsn"].notna()].reset_index(drop=True))
    return _search_frames_where(conn, version, sa.true(), r.bsn.is_not(None))


def _search_frames_where(conn: sa.Connection, version: int, persons: sa.ColumnElement[bool],
                         records: sa.ColumnElement[bool]) -> tuple[pd.DataFrame, pd.DataFrame]:
    p, r = s.persons.c, s.source_records.c
    query = sa.select(*(p[name] for name in SEARCH_COLUMNS)).where(p.version_id == version,
                                                                     persons)
    golden = _frame(conn, query, SEARCH_COLUMNS)
    bsns = _frame(conn, sa.select(r.person_id, r.bsn).where(r.version_id == version, records),
                  ("person_id", "bsn"))
    return golden, bsns


def _frame(conn: sa.Connection, query: sa.Select[Any], columns: tuple[str, ...],
           batch: int = 100_000) -> pd.DataFrame:
    result = conn.execution_options(stream_results=True, yield_per=batch).execute(query)
    parts = [pd.DataFrame(rows, columns=list(columns)) for rows in result.partitions(batch)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=list(columns))


def person(conn: sa.Connection, version: int, person_id: str) -> dict[str, Any] | None:
    """The golden record, its source records with link explanations, and its registrations."""
    p = s.persons.c
    golden = conn.execute(sa.select(s.persons).where(
        p.version_id == version, p.person_id == person_id)).first()
    if golden is None:
        return None
    r, lk = s.source_records.c, s.person_links.c
    records = _rows(conn, sa.select(s.source_records, lk.match_weight, lk.explanation,
                                    lk.config_version)
                    .outerjoin(s.person_links, sa.and_(
                        lk.version_id == r.version_id, lk.source == r.source,
                        lk.source_record_id == r.source_record_id))
                    .where(r.version_id == version, r.person_id == person_id)
                    .order_by(r.source, r.source_record_id))
    for record in records:
        record["explanation"] = json_value(record.get("explanation"))
    return {"person": dict(golden._mapping), "records": records,
            "registrations": registrations_of(conn, version, [person_id]).get(person_id, [])}


def registrations_of(conn: sa.Connection, version: int,
                     person_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Registrations (type, status, dates, case worker and contact) per person id."""
    if not person_ids:
        return {}
    rp, rg = s.registration_persons.c, s.registrations.c
    rows = _rows(conn, sa.select(
        rp.person_id, rg.source, rg.case_id, rg.case_type, rg.status, rg.start_date, rg.end_date,
        rg.end_reason, rg.case_worker_name, rg.case_worker_contact,
    ).join(s.registrations, sa.and_(rg.version_id == rp.version_id, rg.source == rp.source,
                                    rg.case_id == rp.case_id))
        .where(rp.version_id == version, rp.person_id.in_(person_ids))
        .order_by(rg.start_date.desc(), rg.source, rg.case_id))
    out: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        out.setdefault(row.pop("person_id"), []).append(row)
    return out


def household(conn: sa.Connection, version: int, household_id: str) -> dict[str, Any] | None:
    """Members with roles, each member's registrations, linked households and partner freshness."""
    h = s.households.c
    head = conn.execute(sa.select(s.households).where(
        h.version_id == version, h.household_id == household_id)).first()
    if head is None:
        return None
    m, p = s.household_members.c, s.persons.c
    members = _rows(conn, sa.select(
        m.person_id, m.role, m.roles, p.first_names, p.surname_prefix, p.surname, p.birth_date,
        p.sex, p.bsn, p.city, p.has_confidential_address, p.sources, p.name_from,
    ).join(s.persons, sa.and_(p.version_id == m.version_id, p.person_id == m.person_id))
        .where(m.version_id == version, m.household_id == household_id)
        .order_by(p.birth_date, p.person_id))
    cases = registrations_of(conn, version, [x["person_id"] for x in members])
    for member in members:
        member["registrations"] = cases.get(member["person_id"], [])
    hl = s.household_links.c
    links = _rows(conn, sa.select(hl.other_household_id, hl.relation).where(
        hl.version_id == version, hl.household_id == household_id))
    r = s.source_records.c
    names = _rows(conn, sa.select(r.person_id, r.source, r.source_record_id, r.first_names,
                                  r.surname_prefix, r.surname)
                  .where(r.version_id == version,
                         r.person_id.in_([x["person_id"] for x in members]))
                  .order_by(r.source, r.source_record_id))
    return {"household": dict(head._mapping), "members": members, "links": links,
            "record_names": names, "freshness": freshness(conn)}


def counted(counts: Any, name: str) -> int:
    """One count (``read``, ``quarantined``, ...) summed over datasets, from
    ``run_sources.counts``: flat (``persons_read``) or per dataset (``{"persons": {"read"}}``)."""
    data = json_value(counts)
    if not isinstance(data, dict):
        return 0
    total = 0
    for key, value in data.items():
        if isinstance(value, dict):
            total += int(value.get(name, 0) or 0)
        elif key == name or key.endswith(f"_{name}"):
            total += int(value or 0)
    return total


def _rows_read(counts: Any) -> int:
    return counted(counts, "read")


def freshness(conn: sa.Connection) -> list[dict[str, Any]]:
    """Per partner: its last delivery with content (the age of its data), the last time the hub
    looked, and the status of its latest run.

    A run that read nothing new from a partner (an empty inbox, no changed rows) is not a
    delivery: its extract time says when the hub looked, not how old the partner's data is. The
    store has no column for it; the per-run ``counts`` tell which runs read rows.
    """
    rs, runs = s.run_sources.c, s.runs.c
    rows = _rows(conn, sa.select(rs.source, rs.status, rs.last_success_at, rs.counts,
                                 runs.started_at)
                 .join(s.runs, runs.run_id == rs.run_id).order_by(runs.started_at))
    out: dict[str, dict[str, Any]] = {}
    for row in rows:  # oldest run first: later runs overwrite
        entry = out.setdefault(row["source"], {"source": row["source"], "last_delivery_at": None,
                                               "last_success_at": None, "last_status": None})
        entry["last_status"] = row["status"]
        if row["last_success_at"] is not None:
            entry["last_success_at"] = row["last_success_at"]
            if row["counts"] is None or _rows_read(row["counts"]) > 0:
                entry["last_delivery_at"] = row["last_success_at"]
    return [out[k] for k in sorted(out)]


def confidential_address(conn: sa.Connection, version: int, source: str,
                         record_id: str) -> dict[str, Any] | None:
    """The secret address of one source record (only for an authorised, audited reveal)."""
    c = s.confidential_addresses.c
    row = conn.execute(sa.select(c.street, c.house_number, c.house_letter, c.house_number_suffix,
                                 c.postcode, c.city).where(
        c.version_id == version, c.source == source, c.source_record_id == record_id)).first()
    return dict(row._mapping) if row else None


def source_record(conn: sa.Connection, version: int, source: str,
                  record_id: str) -> dict[str, Any] | None:
    r = s.source_records.c
    row = conn.execute(sa.select(s.source_records).where(
        r.version_id == version, r.source == source, r.source_record_id == record_id)).first()
    return dict(row._mapping) if row else None


def json_value(text: Any) -> Any:
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


def _decided_items(conn: sa.Connection) -> sa.Select[Any]:
    d = s.steward_decisions.c
    return sa.select(d.item_id).where(d.revoked_at.is_(None))


def review_items(conn: sa.Connection, version: int, limit: int = 2000) -> list[dict[str, Any]]:
    """Open review items (no standing steward decision), most uncertain first, each with
    ``first_seen``: when the pair first appeared in a published review queue (its age)."""
    q, v = s.review_queue.c, s.versions.c
    first = (sa.select(q.item_id, sa.func.min(v.created_at).label("first_seen"))
             .join(s.versions, v.version_id == q.version_id).group_by(q.item_id).subquery())
    return _rows(conn, sa.select(s.review_queue, first.c.first_seen)
                 .outerjoin(first, first.c.item_id == q.item_id)
                 .where(q.version_id == version, q.item_id.not_in(_decided_items(conn)))
                 .order_by(sa.func.abs(sa.func.coalesce(q.match_probability, 0.5) - 0.5),
                           q.item_id)
                 .limit(limit))


def source_records_with_flags(conn: sa.Connection, version: int,
                              keys: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """Source records by (source, record id), each with ``person_secret``: whether its person
    has a confidential address (unknown person: withheld, fail safe)."""
    r, p = s.source_records.c, s.persons.c
    out = []
    for source, record_id in keys:
        row = conn.execute(sa.select(s.source_records, p.has_confidential_address)
                           .outerjoin(s.persons, sa.and_(p.version_id == r.version_id,
                                                         p.person_id == r.person_id))
                           .where(r.version_id == version, r.source == source,
                                  r.source_record_id == record_id)).first()
        if row is not None:
            record = dict(row._mapping)
            flag = record.pop("has_confidential_address")
            record["person_secret"] = True if flag is None else bool(flag)
            out.append(record)
    return out


def records_of_person(conn: sa.Connection, version: int, person_id: str) -> list[tuple[str, str]]:
    r = s.source_records.c
    return [(a, b) for a, b in conn.execute(sa.select(r.source, r.source_record_id).where(
        r.version_id == version, r.person_id == person_id).order_by(r.source, r.source_record_id))
        .tuples()]


def review_item(conn: sa.Connection, version: int, item_id: str) -> dict[str, Any] | None:
    """One queue item with both source records and the explanation."""
    q = s.review_queue.c
    row = conn.execute(sa.select(s.review_queue).where(
        q.version_id == version, q.item_id == item_id)).first()
    if row is None:
        return None
    item = dict(row._mapping)
    item["explanation"] = json_value(item.get("explanation"))
    item["left"] = source_record(conn, version, item["left_source"], item["left_record_id"])
    item["right"] = source_record(conn, version, item["right_source"], item["right_record_id"])
    item["decisions"] = decisions(conn, item_id=item_id)
    p = s.persons.c
    flags: dict[str, Any] = dict(conn.execute(
        sa.select(p.person_id, p.has_confidential_address).where(
            p.version_id == version,
            p.person_id.in_([item["left_person_id"], item["right_person_id"]]))).all())
    for side in ("left", "right"):  # unknown person: withhold (fail safe)
        item[f"{side}_person_secret"] = bool(flags.get(item[f"{side}_person_id"], True))
    return item


def decisions(conn: sa.Connection, item_id: str | None = None,
              limit: int = 200) -> list[dict[str, Any]]:
    """Steward decisions, newest first (the history the next run applies)."""
    d = s.steward_decisions.c
    query = sa.select(s.steward_decisions).order_by(d.decided_at.desc(), d.decision_id.desc())
    if item_id:
        query = query.where(d.item_id == item_id)
    return _rows(conn, query.limit(limit))


def quarantine(conn: sa.Connection, partner: str | None, limit: int = 500) -> list[dict[str, Any]]:
    """Quarantined rows (newest first), with the held-back record still clear: mask to show."""
    qt = s.quarantine.c
    query = sa.select(s.quarantine).order_by(qt.quarantined_at.desc(), qt.quarantine_id.desc())
    if partner:
        query = query.where(qt.partner == partner)
    return _rows(conn, query.limit(limit))


def quarantine_by_rule(conn: sa.Connection) -> list[dict[str, Any]]:
    """Quarantined rows counted per partner and rule."""
    qt = s.quarantine.c
    return _rows(conn, sa.select(qt.partner, qt.rule, sa.func.count().label("rows"))
                 .group_by(qt.partner, qt.rule).order_by(qt.partner, qt.rule))


def published_keys(conn: sa.Connection, version: int,
                   keys: list[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
    """Which (partner, dataset, record id) are in the published version: a quarantined row
    whose record a later delivery brought in cleanly is fixed."""
    out: set[tuple[str, str, str]] = set()
    people = {(p, r) for p, d, r in keys if d == "persons"}
    cases = {(p, r) for p, d, r in keys if d == "registrations"}
    if people:
        r = s.source_records.c
        for partner in {p for p, _ in people}:
            ids = [i for p, i in people if p == partner]
            found: Sequence[str] = conn.execute(sa.select(r.source_record_id).where(
                r.version_id == version, r.source == partner,
                r.source_record_id.in_(ids))).scalars().all()
            out |= {(partner, "persons", i) for i in found}
    if cases:
        g = s.registrations.c
        for partner in {p for p, _ in cases}:
            ids = [i for p, i in cases if p == partner]
            case_ids: Sequence[str] = conn.execute(sa.select(g.case_id).where(
                g.version_id == version, g.source == partner, g.case_id.in_(ids))).scalars().all()
            out |= {(partner, "registrations", i) for i in case_ids}
    return out


def quarantine_counts(conn: sa.Connection) -> dict[str, int]:
    qt = s.quarantine.c
    rows = conn.execute(sa.select(qt.partner, sa.func.count()).group_by(qt.partner))
    return {partner: count for partner, count in rows.tuples()}


def match_weights(conn: sa.Connection, version: int) -> list[float]:
    """Match weights of the published version: every linked record's and every review pair's."""
    lk, q = s.person_links.c, s.review_queue.c
    linked: Sequence[Any] = conn.execute(sa.select(lk.match_weight).where(
        lk.version_id == version, lk.match_weight.is_not(None))).scalars().all()
    review: Sequence[Any] = conn.execute(sa.select(q.match_weight).where(
        q.version_id == version, q.match_weight.is_not(None))).scalars().all()
    return [float(w) for w in (*linked, *review)]


def run_counts(conn: sa.Connection, limit: int = 30) -> list[dict[str, Any]]:
    """Per partner and run (oldest first, the latest ``limit`` runs): rows read and
    quarantined, from ``run_sources.counts``."""
    rs, runs = s.run_sources.c, s.runs.c
    recent = (sa.select(runs.run_id).order_by(runs.started_at.desc()).limit(limit).subquery())
    rows = _rows(conn, sa.select(rs.source, rs.counts, runs.run_id, runs.started_at)
                 .join(s.runs, runs.run_id == rs.run_id)
                 .where(runs.run_id.in_(sa.select(recent.c.run_id)))
                 .order_by(runs.started_at, rs.source))
    for row in rows:
        counts = row.pop("counts")
        row["read"] = counted(counts, "read")
        row["quarantined"] = counted(counts, "quarantined")
    return rows


COMPLETENESS_FIELDS = ("bsn", "birth_date", "postcode", "first_names")


def completeness(conn: sa.Connection, limit: int = 12) -> list[dict[str, Any]]:
    """Per stored version (the latest ``limit``, oldest first) and partner: records and the
    share of records with each of :data:`COMPLETENESS_FIELDS` filled in."""
    r, v = s.source_records.c, s.versions.c
    recent = sa.select(v.version_id).order_by(v.version_id.desc()).limit(limit).subquery()
    rows = _rows(conn, sa.select(
        r.version_id, r.source, sa.func.count().label("records"),
        *(sa.func.count(r[f]).label(f) for f in COMPLETENESS_FIELDS),
    ).where(r.version_id.in_(sa.select(recent.c.version_id)))
        .group_by(r.version_id, r.source).order_by(r.version_id, r.source))
    for row in rows:
        total = row["records"] or 1
        for f in COMPLETENESS_FIELDS:
            row[f] = row[f] / total
    return rows
