"""What the pages read from the merged store, always from the one published version.

Every query joins the versioned tables on the ``published_version`` pointer (like the store's
``current_*`` views), so a page never mixes two versions. Values come back clear; the routes mask
them (:mod:`hub.web.masking`) before anything reaches a template or a JSON response.
"""

import json
from typing import Any

import pandas as pd
import sqlalchemy as sa

from schemas import store as s


def current_version(conn: sa.Connection) -> int | None:
    """The published version id, or None while nothing has been published."""
    return conn.execute(sa.select(s.published_version.c.version_id)).scalar()


def _rows(conn: sa.Connection, query: sa.Select) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in conn.execute(query)]


SEARCH_COLUMNS = ("person_id", "household_id", "bsn", "first_names", "surname_prefix", "surname",
                  "birth_date", "sex", "postcode", "house_number", "city",
                  "has_confidential_address", "sources")


def search_frames(conn: sa.Connection, version: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Golden persons and every source record's BSN (a mistyped one still finds the person).

    Read as plain tuples in batches: a million persons as dicts would cost gigabytes.
    """
    p = s.persons.c
    query = sa.select(*(p[name] for name in SEARCH_COLUMNS)).where(p.version_id == version)
    persons = _frame(conn, query, SEARCH_COLUMNS)
    r = s.source_records.c
    bsns = _frame(conn, sa.select(r.person_id, r.bsn).where(
        r.version_id == version, r.bsn.is_not(None)), ("person_id", "bsn"))
    return persons, bsns


def _frame(conn: sa.Connection, query: sa.Select, columns: tuple[str, ...],
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
        record["explanation"] = _json(record.get("explanation"))
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
        p.sex, p.bsn, p.city, p.has_confidential_address, p.sources,
    ).join(s.persons, sa.and_(p.version_id == m.version_id, p.person_id == m.person_id))
        .where(m.version_id == version, m.household_id == household_id)
        .order_by(p.birth_date, p.person_id))
    cases = registrations_of(conn, version, [x["person_id"] for x in members])
    for member in members:
        member["registrations"] = cases.get(member["person_id"], [])
    hl = s.household_links.c
    links = _rows(conn, sa.select(hl.other_household_id, hl.relation).where(
        hl.version_id == version, hl.household_id == household_id))
    return {"household": dict(head._mapping), "members": members, "links": links,
            "freshness": freshness(conn)}


def freshness(conn: sa.Connection) -> list[dict[str, Any]]:
    """Per partner: the last successful extract and the status of its latest run."""
    rs, runs = s.run_sources.c, s.runs.c
    last_ok = _rows(conn, sa.select(rs.source, sa.func.max(rs.last_success_at).label("last_ok"))
                    .group_by(rs.source).order_by(rs.source))
    latest = _rows(conn, sa.select(rs.source, rs.status, runs.started_at)
                   .join(s.runs, runs.run_id == rs.run_id).order_by(runs.started_at))
    status = {row["source"]: row["status"] for row in latest}  # the newest run wins
    return [{"source": row["source"], "last_success_at": row["last_ok"],
             "last_status": status.get(row["source"])} for row in last_ok]


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


def _json(text: Any) -> Any:
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


def _decided_items(conn: sa.Connection) -> sa.Select:
    d = s.steward_decisions.c
    return sa.select(d.item_id).where(d.revoked_at.is_(None))


def review_items(conn: sa.Connection, version: int, limit: int = 200) -> list[dict[str, Any]]:
    """Open review items (no standing steward decision), most uncertain first."""
    q = s.review_queue.c
    return _rows(conn, sa.select(s.review_queue).where(
        q.version_id == version, q.item_id.not_in(_decided_items(conn)))
        .order_by(sa.func.abs(sa.func.coalesce(q.match_probability, 0.5) - 0.5), q.item_id)
        .limit(limit))


def review_item(conn: sa.Connection, version: int, item_id: str) -> dict[str, Any] | None:
    """One queue item with both source records and the explanation."""
    q = s.review_queue.c
    row = conn.execute(sa.select(s.review_queue).where(
        q.version_id == version, q.item_id == item_id)).first()
    if row is None:
        return None
    item = dict(row._mapping)
    item["explanation"] = _json(item.get("explanation"))
    item["left"] = source_record(conn, version, item["left_source"], item["left_record_id"])
    item["right"] = source_record(conn, version, item["right_source"], item["right_record_id"])
    item["decisions"] = decisions(conn, item_id=item_id)
    p = s.persons.c
    flags: dict[str, bool] = dict(conn.execute(sa.select(
        p.person_id, p.has_confidential_address).where(
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


def quarantine_counts(conn: sa.Connection) -> dict[str, int]:
    qt = s.quarantine.c
    rows = conn.execute(sa.select(qt.partner, sa.func.count()).group_by(qt.partner))
    return {str(row[0]): int(row[1]) for row in rows.all()}
