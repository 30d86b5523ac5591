"""Retention and erasure in the store: every version's tables, history tables and snapshots.

One erasure names either records of a source, all its records extracted before a date
(retention), or all records from one origin file (:mod:`foundation.erasure`). Here it is removed
from every version in the store (golden records and households of the persons concerned are
recomputed from what remains), from steward decisions, review items and the quarantine table
(also a case's own quarantine row), and from the snapshots (rewritten from the store; leftovers
of a killed publish removed). The erasure itself is recorded (source, criterion, record and case
ids, counts, reason, who, when) without any of the erased values; its id is the *erasure
generation* the web app's search index watches, so an erased person is not found any more at
once. The database is then compacted (SQLite ``VACUUM`` and a WAL checkpoint, PostgreSQL
``VACUUM``), so deleted values do not linger in free pages. Files outside the store (staging,
archive, quarantine, hand-over files) are erased by their own layers; ``hub erase`` orchestrates.
"""

import getpass
import json
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import sqlalchemy as sa

from foundation.erasure import Criterion, criterion, origin_names
from foundation.settings import Settings
from hub.store import households as hh
from hub.store.bulk import insert_frame
from hub.store.chunks import in_chunks
from hub.store.snapshots import export_version, remove_leftovers, snapshot_folder
from hub.store.survivorship import golden_records
from hub.store.versions import live_version_ids, now
from schemas.store import (
    confidential_addresses,
    erasures,
    household_members,
    households,
    person_links,
    persons,
    quarantine,
    registration_persons,
    registrations,
    review_queue,
    runs,
    source_records,
    steward_decisions,
    versions,
)

__all__ = ["Criterion", "ErasureResult", "criterion", "erase", "erasure_generation", "find_ids",
           "unknown_record_ids"]


@dataclass
class ErasureResult:
    """What an erasure removed (ids and counts only)."""

    run_id: str
    source: str
    criterion: str
    record_ids: list[str]
    case_ids: list[str]
    removed: dict[str, int] = field(default_factory=dict)


def _origin_matches(values: pd.Series, origin: str) -> pd.Series:
    text = values.astype("str")
    return (text == origin) | (text.map(lambda v: Path(v).name) == Path(origin).name)


def _select(frame: pd.DataFrame, crit: Criterion, time_column: str = "extracted_at") -> pd.Series:
    """Rows of ``frame`` (of ``crit.source``) the criterion names."""
    if crit.kind == "record":
        return frame["source_record_id"].astype("str").isin(crit.record_ids)
    if crit.kind == "before":
        return pd.to_datetime(frame[time_column], utc=True) < pd.Timestamp(crit.before)
    return _origin_matches(frame["origin"], crit.value)


# --- Which ids --------------------------------------------------------------------------------


def _staged(settings: Settings, source: str, dataset: str) -> pd.DataFrame | None:
    from connectors.staging import staging_path

    path = staging_path(settings, source, dataset)
    return pq.read_table(path).to_pandas() if path.exists() else None


def find_ids(settings: Settings, engine: sa.Engine, crit: Criterion) -> tuple[set[str], set[str]]:
    """The person record ids and case ids the criterion names, in staging or any store version."""
    record_ids, case_ids = set(crit.record_ids), set()
    people = _staged(settings, crit.source, "persons")
    if people is not None and not people.empty and crit.kind != "record":
        record_ids |= set(people.loc[_select(people, crit), "source_record_id"].astype("str"))
    cases = _staged(settings, crit.source, "registrations")
    if cases is not None and not cases.empty and crit.kind != "record":
        case_ids |= set(cases.loc[_select(cases, crit), "case_id"].astype("str"))
    if crit.kind != "record":
        with engine.connect() as conn:
            for table, key, ids in ((source_records, "source_record_id", record_ids),
                                    (registrations, "case_id", case_ids)):
                cond = (table.c.extracted_at < crit.before if crit.kind == "before"
                        else table.c.origin.in_(origin_names(crit)))
                query = sa.select(table.c[key]).where(table.c.source == crit.source, cond)
                ids.update(map(str, conn.execute(query.distinct()).scalars().all()))
    return record_ids, case_ids | _cases_left_empty(settings, engine, crit.source, record_ids)


def _cases_left_empty(settings: Settings, engine: sa.Engine, source: str,
                      record_ids: set[str]) -> set[str]:
    """Cases of ``source`` that concern only erased person records: nothing of them remains."""
    if not record_ids:
        return set()
    empty = set()
    cases = _staged(settings, source, "registrations")
    if cases is not None and not cases.empty:
        for case_id, ids in zip(cases["case_id"], cases["person_record_ids"], strict=True):
            if ids is not None and len(ids) and set(map(str, ids)) <= record_ids:
                empty.add(str(case_id))
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(registration_persons.c.version_id, registration_persons.c.case_id,
                      registration_persons.c.source_record_id)
            .where(registration_persons.c.source == source)
        ).all()
    by_case: dict[tuple[object, str], set[str]] = {}
    for version_id, case_id, rid in rows:  # columns of an untyped Table: Any
        by_case.setdefault((version_id, str(case_id)), set()).add(str(rid))
    empty |= {case for (_, case), ids in by_case.items() if ids <= record_ids}
    return empty


# --- Store -------------------------------------------------------------------------------------


def _delete(conn: sa.Connection, table: sa.Table,
            condition_for: Callable[..., sa.ColumnExpressionArgument[bool]],
            ids: set[str]) -> int:
    """Delete the rows ``condition_for(chunk of ids)`` selects, chunk by chunk; the count.

    (``...``: the callers bind loop values as lambda defaults, which ``Callable[[list[str]]``
    cannot express.)
    """
    count = 0
    for chunk in in_chunks(sorted(ids)):
        count += conn.execute(table.delete().where(condition_for(chunk))).rowcount or 0
    return count


def _frame(conn: sa.Connection, query: sa.Select[Any], table: sa.Table) -> pd.DataFrame:
    columns = [c.name for c in table.columns]
    return pd.DataFrame(conn.execute(query).mappings().all(), columns=columns)


def _rebuild(conn: sa.Connection, affected: pd.DataFrame) -> None:
    """Recompute golden records and households of the affected persons, per version."""
    for version_id, group in affected.groupby("version_id"):
        person_ids = set(group["person_id"].dropna())
        household_ids = set(group["household_id"].dropna())
        sr = source_records
        records = pd.concat(
            [_frame(conn, sa.select(sr).where(sr.c.version_id == int(version_id),
                                              sr.c.person_id.in_(chunk)), sr)
             for chunk in in_chunks(sorted(person_ids))]
            or [pd.DataFrame(columns=[c.name for c in sr.c])],
            ignore_index=True,
        )
        _delete(conn, persons, lambda c, v=int(version_id): sa.and_(
            persons.c.version_id == v, persons.c.person_id.in_(c)), person_ids)
        if not records.empty:
            insert_frame(conn, persons, golden_records(records), version_id=int(version_id))
        home = pd.concat(
            [_frame(conn, sa.select(sr).where(sr.c.version_id == int(version_id),
                                              sr.c.household_id.in_(chunk)), sr)
             for chunk in in_chunks(sorted(household_ids))]
            or [pd.DataFrame(columns=[c.name for c in sr.c])],
            ignore_index=True,
        )
        for table in (household_members, households):
            _delete(conn, table, lambda c, t=table, v=int(version_id): sa.and_(
                t.c.version_id == v, t.c.household_id.in_(c)), household_ids)
        if not home.empty:
            members = hh.household_members(home)
            insert_frame(conn, household_members, members, version_id=int(version_id))
            insert_frame(conn, households, hh.households(home, members),
                         version_id=int(version_id))


def erase_from_store(conn: sa.Connection, crit: Criterion, record_ids: set[str],
                     case_ids: set[str]) -> dict[str, int]:
    """Delete the records and cases from every version and the history tables; counts per table."""
    s = crit.source
    sr = source_records
    affected = pd.concat(
        [pd.DataFrame(conn.execute(
            sa.select(sr.c.version_id, sr.c.person_id, sr.c.household_id)
            .where(sr.c.source == s, sr.c.source_record_id.in_(chunk))).all(),
            columns=["version_id", "person_id", "household_id"])
         for chunk in in_chunks(sorted(record_ids))] or [pd.DataFrame(
            columns=["version_id", "person_id", "household_id"])],
        ignore_index=True,
    )
    removed: dict[str, int] = {}
    for table in (source_records, confidential_addresses, person_links, registration_persons):
        removed[table.name] = _delete(conn, table, lambda c, t=table: sa.and_(
            t.c.source == s, t.c.source_record_id.in_(c)), record_ids)
    removed["registrations"] = _delete(conn, registrations, lambda c: sa.and_(
        registrations.c.source == s, registrations.c.case_id.in_(c)), case_ids)
    removed["registration_persons"] += _delete(conn, registration_persons, lambda c: sa.and_(
        registration_persons.c.source == s, registration_persons.c.case_id.in_(c)), case_ids)
    for table in (review_queue, steward_decisions):
        removed[table.name] = _delete(conn, table, lambda c, t=table: sa.or_(
            sa.and_(t.c.left_source == s, t.c.left_record_id.in_(c)),
            sa.and_(t.c.right_source == s, t.c.right_record_id.in_(c))), record_ids)
    q = quarantine
    removed["quarantine"] = _delete(conn, q, lambda c: sa.and_(
        q.c.partner == s, q.c.source_record_id.in_(c)), record_ids)
    # A case's own quarantine row (validation of registrations) names the case id.
    removed["quarantine"] += _delete(conn, q, lambda c: sa.and_(
        q.c.partner == s, q.c.dataset == "registrations", q.c.source_record_id.in_(c)), case_ids)
    if crit.kind == "origin":
        removed["quarantine"] += conn.execute(q.delete().where(
            q.c.partner == s, q.c.origin.in_(origin_names(crit)))).rowcount or 0
    if crit.kind == "before":
        removed["quarantine"] += conn.execute(q.delete().where(
            q.c.partner == s, q.c.quarantined_at < crit.before)).rowcount or 0
    _rebuild(conn, affected)
    # The inputs changed: the next run must publish, not keep a version as "unchanged".
    conn.execute(versions.update().values(input_hash=None))
    return removed


def _compact(engine: sa.Engine) -> None:
    """Make deleted values physically unreadable: rewrite free pages and the write-ahead log."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("VACUUM")
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    elif engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in (source_records, confidential_addresses, persons, person_links,
                          registrations, registration_persons, review_queue, steward_decisions,
                          quarantine, household_members, households):
                conn.exec_driver_sql(f'VACUUM "{table.name}"')


def refresh_snapshots(engine: sa.Engine, root: Path) -> int:
    """Rewrite the snapshot of every version still in the store; drop snapshots of the others
    and the half-written folders of a killed publish."""
    if not root.exists():
        return 0
    with engine.connect() as conn:
        live = set(live_version_ids(conn))
    count = remove_leftovers(root)
    for folder in sorted(p for p in root.glob("v*") if p.is_dir()):
        try:
            version_id = int(folder.name[1:])
        except ValueError:
            continue
        if version_id in live:
            export_version(engine, snapshot_folder(root, version_id), version_id)
        else:
            shutil.rmtree(folder)
        count += 1
    return count


def erasure_generation(conn: sa.Connection) -> int:
    """The newest erasure's id (0 before any): a reader holding copies of store rows (the web
    app's search index) compares it on each use and drops its copy when it moved."""
    return int(conn.execute(sa.select(sa.func.max(erasures.c.erasure_id))).scalar() or 0)


def unknown_record_ids(settings: Settings, engine: sa.Engine, crit: Criterion) -> set[str]:
    """The named record ids the hub does not hold anywhere (staging, store, quarantine)."""
    missing = set(crit.record_ids)
    people = _staged(settings, crit.source, "persons")
    if people is not None and not people.empty:
        missing -= set(people["source_record_id"].astype("str"))
    if missing:
        with engine.connect() as conn:
            for table, column in ((source_records, source_records.c.source_record_id),
                                  (quarantine, quarantine.c.source_record_id)):
                source = table.c.source if "source" in table.c else table.c.partner
                for chunk in in_chunks(sorted(missing)):
                    missing -= set(conn.execute(sa.select(column).where(
                        source == crit.source, column.in_(chunk)).distinct()).scalars())
    folder = settings.quarantine / crit.source
    if missing and folder.is_dir():
        for path in folder.glob("*.parquet"):
            ids = pq.read_table(path, columns=["source_record_id"])["source_record_id"]
            missing -= {str(v) for v in ids.to_pylist() if v is not None}
    return missing


def erase(
    settings: Settings,
    engine: sa.Engine,
    crit: Criterion,
    reason: str | None = None,
    erased_by: str | None = None,
    ids: tuple[set[str], set[str]] | None = None,
    removed_elsewhere: dict[str, int] | None = None,
) -> ErasureResult:
    """Erase what ``crit`` names from the store and its snapshots, and record that it happened.

    ``ids`` are the record and case ids (default :func:`find_ids`); ``removed_elsewhere`` the
    counts of the other layers' files, kept with the erasure record.
    """
    run_id = f"erase-{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
    started = now()
    record_ids, case_ids = ids if ids is not None else find_ids(settings, engine, crit)
    removed = dict(removed_elsewhere or {})
    with engine.begin() as conn:
        removed.update(erase_from_store(conn, crit, record_ids, case_ids))
        conn.execute(runs.insert().values(
            run_id=run_id, kind="erasure", status="erased", started_at=started,
            finished_at=now(), message=f"erased {len(record_ids)} records and {len(case_ids)} "
            f"cases of {crit.source} ({crit.kind})"))
        conn.execute(erasures.insert().values(
            run_id=run_id, source=crit.source, criterion=crit.kind,
            criterion_value=crit.value if crit.kind != "record" else f"{len(record_ids)} records",
            reason=reason, record_ids=json.dumps(sorted(record_ids)),
            case_ids=json.dumps(sorted(case_ids)), removed=json.dumps(removed, sort_keys=True),
            erased_by=erased_by or getpass.getuser(), erased_at=now()))
    _compact(engine)
    removed["snapshots"] = refresh_snapshots(engine, settings.snapshots)
    with engine.begin() as conn:
        conn.execute(erasures.update().where(erasures.c.run_id == run_id)
                     .values(removed=json.dumps(removed, sort_keys=True)))
    return ErasureResult(run_id, crit.source, crit.kind, sorted(record_ids), sorted(case_ids),
                         removed)
