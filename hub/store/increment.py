"""Incremental publishing: a partner's new records joined to the published version in place.

Between full runs a delivery (a drop-folder file) is linked against the records it may match
(:mod:`hub.store.candidates`) and written into the PUBLISHED version in one transaction
(:func:`publish_increment`), the way an erasure amends versions in place
(:mod:`hub.store.erasure`). Known records keep their person and household IDs; golden records and
households of every person and household the delivery touches are recomputed from all their
records, so they equal what a full build of the same records gives. A crash (even SIGKILL) rolls
the transaction back: the previous state stays whole.

What an increment does not do, the next full run does: it never merges or splits published
persons (a bridge goes to review), and records a partner no longer delivers stay published until
the full run re-links everything. The version's ``input_hash`` is cleared, so that run publishes.
"""

import json
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeAlias

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa

from foundation.arrow import text_array
from foundation.errors import StoreError
from hub.store import households as hh
from hub.store import versions as ver
from hub.store.build import (
    RECORD_KEY,
    LinkResultLike,
    event_rows,
    household_link_rows,
    person_links,
    registration_rows,
    review_rows,
    source_records,
    split_confidential,
)
from hub.store.bulk import insert_frame
from hub.store.candidates import household_persons, records_of_persons
from hub.store.chunks import in_chunks
from hub.store.columns import row_hashes, typed
from hub.store.engine import driver_cursor
from hub.store.publish import stats_json
from hub.store.snapshots import remove_snapshots
from hub.store.survivorship import golden_records
from schemas import store as s
from schemas.canonical import REGISTRATION_COLUMNS

INCREMENT = "increment"
"""``runs.kind`` of an incremental publish."""


@dataclass(frozen=True)
class Delta:
    """What one partner's delivery adds to or changes in the published version."""

    persons: pd.DataFrame
    """Staged person rows that are new or whose content changed."""
    registrations: pd.DataFrame
    """Staged registrations that are new or whose content changed."""
    disappeared: list[str]
    """Published record ids of the partner the delivery no longer holds (left for the full run)."""

    @property
    def empty(self) -> bool:
        return bool(self.persons.empty and self.registrations.empty)


@dataclass(frozen=True)
class IncrementResult:
    """What an incremental publish did (counts only)."""

    run_id: str
    version_id: int
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def _published_hashes(conn: sa.Connection, table: sa.Table, version: int, source: str,
                      key: str) -> tuple[pa.Array, pa.Array]:
    """Keys and content hashes of the partner's published rows, through the driver's cursor:
    a partner's few hundred thousand rows through SQLAlchemy's result objects cost seconds."""
    query = sa.select(table.c[key], table.c.content_hash).where(
        table.c.version_id == sa.literal(int(version), literal_execute=True),
        table.c.source == sa.literal(str(source), literal_execute=True))
    sql = str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    cursor = driver_cursor(conn)
    try:
        cursor.execute(sql)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    frame = pd.DataFrame(rows, columns=[key, "content_hash"], dtype="str")
    return text_array(frame[key]), text_array(frame["content_hash"])


Staged: TypeAlias = pd.DataFrame | pa.Table
"""A partner's staged rows: a DataFrame, or the Arrow table the pipeline hands over (of which
only the changed rows become a DataFrame)."""


def _column(staged: Staged, name: str) -> pa.Array:
    if isinstance(staged, pa.Table):
        return staged[name].combine_chunks().cast(pa.string())
    return text_array(staged[name])


def _new_or_changed(staged: Staged | None, published: tuple[pa.Array, pa.Array], key: str
                    ) -> pd.DataFrame:
    """Staged rows whose key and content hash are not a published pair (Arrow's hash join:
    a pandas merge of 400,000 keys took most of a second)."""
    if staged is None:
        return pd.DataFrame()
    if len(staged) == 0:
        return staged.to_pandas() if isinstance(staged, pa.Table) else staged.iloc[0:0]
    mine = pc.binary_join_element_wise(_column(staged, key), _column(staged, "content_hash"),
                                       "\x1f")
    theirs = pc.binary_join_element_wise(*published, "\x1f")
    new = pc.invert(pc.fill_null(pc.is_in(mine, value_set=theirs), False))
    if isinstance(staged, pa.Table):
        return staged.filter(new).to_pandas()
    return staged.loc[new.to_numpy(zero_copy_only=False)]


def changed_records(conn: sa.Connection, version: int, source: str,
                    staged_persons: Staged,
                    staged_registrations: Staged | None = None) -> Delta:
    """The partner's staged rows that are new or changed against the published version.

    Rows compare by key and ``content_hash`` (the staging hash of the canonical content), so a
    re-delivered file with nothing new gives an empty delta.
    """
    people = _published_hashes(conn, s.source_records, version, source, "source_record_id")
    cases = _published_hashes(conn, s.registrations, version, source, "case_id")
    persons = _new_or_changed(staged_persons, people, "source_record_id")
    registrations = _new_or_changed(staged_registrations, cases, "case_id")
    staged_ids = _column(staged_persons, "source_record_id")
    gone = people[0].filter(pc.invert(pc.fill_null(pc.is_in(people[0], value_set=staged_ids),
                                                   False)))
    return Delta(persons.reset_index(drop=True), registrations.reset_index(drop=True),
                 sorted(gone.to_pylist()))


# --- Publishing ---------------------------------------------------------------------------------


def _typed(frame: pd.DataFrame, table: sa.Table) -> pd.DataFrame:
    rows = typed(frame, table)
    rows[s.ROW_HASH] = row_hashes(rows, table)
    return rows


def _replace(conn: sa.Connection, table: sa.Table, version: int, frame: pd.DataFrame,
             key: list[str], replaced: pd.DataFrame | None = None) -> int:
    """Delete the version's rows with the keys of ``replaced`` (default ``frame``), insert
    ``frame``; the net row change."""
    removed = _delete_keys(conn, table, version, frame if replaced is None else replaced, key)
    inserted = insert_frame(conn, table, _typed(frame, table), version_id=version)
    return inserted - removed


def _key_conditions(columns: Sequence[sa.ColumnElement[Any]],
                    keys: Sequence[tuple[str, ...]]) -> Iterator[sa.ColumnElement[bool]]:
    """Conditions that select ``keys`` on ``columns``, per value of the first column (the
    partner): ``source = ? AND id IN (...)`` is a lookup on the primary key's index, where a
    row-value ``(source, id) IN (...)`` made SQLite scan the table (about 3 s a query at a
    million records)."""
    groups: dict[str, list[tuple[str, ...]]] = {}
    for key in keys:
        groups.setdefault(key[0], []).append(key[1:])
    for first, rests in sorted(groups.items()):
        for chunk in in_chunks(sorted(set(rests))):
            rest = (columns[1].in_([r[0] for r in chunk]) if len(columns) == 2
                    else sa.tuple_(*columns[1:]).in_(chunk))
            yield sa.and_(columns[0] == first, rest)


def _delete_keys(conn: sa.Connection, table: sa.Table, version: int, frame: pd.DataFrame,
                 key: list[str]) -> int:
    if frame.empty:
        return 0
    pairs = sorted({tuple(map(str, row)) for row in frame[key].itertuples(index=False)})
    columns = [table.c[c] for c in key]
    matches = ([columns[0].in_([p[0] for p in chunk]) for chunk in in_chunks(pairs)]
               if len(key) == 1 else list(_key_conditions(columns, pairs)))
    removed = 0
    for match in matches:
        removed += conn.execute(table.delete().where(table.c.version_id == version, match)
                                ).rowcount or 0
    return removed


def _delete_ids(conn: sa.Connection, table: sa.Table, version: int, column: str,
                ids: list[str]) -> int:
    removed = 0
    for chunk in in_chunks(ids):
        removed += conn.execute(table.delete().where(
            table.c.version_id == version, table.c[column].in_(chunk))).rowcount or 0
    return removed


def _previous_ids(conn: sa.Connection, version: int, keys: pd.DataFrame) -> pd.DataFrame:
    """Published person and household of the given record keys (changed records' old ones)."""
    t = s.source_records
    out: list[Any] = []
    wanted = sorted({(str(a), str(b)) for a, b in zip(
        keys["source"], keys["source_record_id"], strict=True)})
    for match in _key_conditions([t.c.source, t.c.source_record_id], wanted):
        out += conn.execute(sa.select(t.c.source, t.c.source_record_id, t.c.person_id,
                                      t.c.household_id).where(t.c.version_id == version, match)
                            ).all()
    return pd.DataFrame(out, columns=[*RECORD_KEY, "person_id", "household_id"])


def _person_of_records(conn: sa.Connection, version: int, keys: set[tuple[str, str]]
                       ) -> pd.DataFrame:
    """``source``, ``source_record_id``, ``person_id`` of published records."""
    frame = pd.DataFrame(sorted(keys), columns=RECORD_KEY)
    return _previous_ids(conn, version, frame)[[*RECORD_KEY, "person_id"]]


def _recompute(conn: sa.Connection, version: int, person_ids: list[str],
               household_ids: list[str]) -> dict[str, int]:
    """Golden records of the persons and rows of the households, from all their records now in
    the version (the rule :mod:`hub.store.build` applies in a full build)."""
    counts: dict[str, int] = {}
    records = records_of_persons(conn, version, person_ids)
    removed = _delete_ids(conn, s.persons, version, "person_id", person_ids)
    golden = golden_records(records) if not records.empty else records.iloc[0:0]
    counts["persons"] = insert_frame(conn, s.persons, _typed(golden, s.persons),
                                     version_id=version) - removed
    members_of = sorted(household_persons(conn, version, household_ids) | set(person_ids))
    home = records_of_persons(conn, version, members_of)
    home = home.loc[home["household_id"].isin(household_ids)]
    dropped = {t.name: _delete_ids(conn, t, version, "household_id", household_ids)
               for t in (s.household_members, s.households)}
    members = hh.household_members(home) if not home.empty else pd.DataFrame(
        columns=list(hh.MEMBER_COLUMNS))
    houses = hh.households(home, members) if not members.empty else pd.DataFrame(
        columns=list(hh.HOUSEHOLD_COLUMNS))
    counts["household_members"] = insert_frame(
        conn, s.household_members, _typed(members, s.household_members), version_id=version
    ) - dropped["household_members"]
    counts["households"] = insert_frame(conn, s.households, _typed(houses, s.households),
                                        version_id=version) - dropped["households"]
    return counts


def _registration_people(conn: sa.Connection, version: int, case_people: pd.DataFrame
                         ) -> pd.DataFrame:
    """Fill the person of case members that were published before (not in this delivery)."""
    open_ = case_people["person_id"].isna()
    if not open_.any():
        return case_people
    keys = {(str(a), str(b)) for a, b in zip(case_people.loc[open_, "source"],
                                              case_people.loc[open_, "source_record_id"],
                                              strict=True)}
    found = _person_of_records(conn, version, keys).rename(columns={"person_id": "_found"})
    out = case_people.merge(found, on=RECORD_KEY, how="left")
    out["person_id"] = out["person_id"].fillna(out["_found"])
    return out.drop(columns=["_found"])


def _repoint(conn: sa.Connection, version: int, records: pd.DataFrame) -> None:
    """Point rows that name a delivered record by key (cases of earlier deliveries, open review
    items) at the record's person now, as a full build would. Rewritten, not updated, so their
    ``row_hash`` stays the hash of what they hold (a later publish copies rows by it)."""
    if records.empty:
        return
    person = dict(zip(zip(records["source"], records["source_record_id"], strict=True),
                      records["person_id"], strict=True))
    keys = sorted(person)
    rp = s.registration_persons
    sides = [(rp, rp.c.source, rp.c.source_record_id, "person_id")]
    rq = s.review_queue
    sides += [(rq, rq.c[f"{side}_source"], rq.c[f"{side}_record_id"], f"{side}_person_id")
              for side in ("left", "right")]
    for table, source, record, column in sides:
        names = [c.name for c in table.columns]
        rows = [r for match in _key_conditions([source, record], keys)
                for r in conn.execute(sa.select(table).where(table.c.version_id == version,
                                                             match)).all()]
        if not rows:
            continue
        frame = pd.DataFrame(rows, columns=names).drop(columns=["version_id", s.ROW_HASH])
        frame[column] = [person[(a, b)] for a, b in zip(frame[source.name], frame[record.name],
                                                        strict=True)]
        key = [c.name for c in table.primary_key.columns if c.name != "version_id"]
        _replace(conn, table, version, frame, key)


def _review_items(conn: sa.Connection, version: int, result: LinkResultLike,
                  assignments: pd.DataFrame) -> pd.DataFrame:
    review = result.review
    if review is None or review.empty:
        return review_rows(None, assignments)
    sides = {(str(a), str(b)) for side in ("left", "right")
             for a, b in zip(review[f"{side}_source"], review[f"{side}_record_id"], strict=True)}
    mine = set(zip(assignments["source"], assignments["source_record_id"], strict=True))
    published = _person_of_records(conn, version, sides - mine)
    return review_rows(review, pd.concat([assignments[[*RECORD_KEY, "person_id"]], published],
                                         ignore_index=True))


def fitted_model(conn: sa.Connection, version: int) -> dict[str, Any] | None:
    """The model the full run that published ``version`` fitted (its ``runs.stats['model']``):
    an increment scores with it, so it is the same matcher as that run."""
    rows: Any = conn.execute(sa.select(s.runs.c.stats).where(
        s.runs.c.version_id == version, s.runs.c.kind != INCREMENT, s.runs.c.stats.is_not(None))
        .order_by(s.runs.c.started_at.desc())).scalars()
    for text in rows:
        model = json.loads(text).get("model")
        if model:
            return dict(model)
    return None


PERSON_IDS = "person_ids"
"""Key in an increment's ``runs.stats``: the persons it wrote (ids only)."""


def increment_persons(conn: sa.Connection, version: int, skip: int = 0
                      ) -> tuple[int, list[str] | None]:
    """How many increments amended ``version``, and the persons those after the first ``skip``
    of them (in publishing order) wrote: what a copy of the version made after ``skip``
    increments must read again. None when one of them did not record its persons (published by
    a hub from before they were recorded): then only a whole new copy is right."""
    r = s.runs.c
    stats: list[str | None] = list(conn.execute(sa.select(r.stats).where(
        r.kind == INCREMENT, r.status == "published", r.version_id == version)
        .order_by(r.finished_at, r.run_id)).scalars())
    persons: set[str] = set()
    for text in stats[skip:]:
        written = json.loads(text or "{}").get(PERSON_IDS)
        if written is None:
            return len(stats), None
        persons.update(written)
    return len(stats), sorted(persons)


def increment_generation(conn: sa.Connection) -> int:
    """How many increments were published: a reader holding copies of store rows (the web
    app's search index) compares it, like the erasure generation, and rebuilds when it moved."""
    return int(conn.execute(sa.select(sa.func.count()).select_from(s.runs).where(
        s.runs.c.kind == INCREMENT, s.runs.c.status == "published")).scalar() or 0)


def publish_increment(
    engine: sa.Engine,
    run_id: str,
    persons_new: pd.DataFrame,
    registrations_new: pd.DataFrame | None,
    result: LinkResultLike,
    *,
    snapshots: Path | None = None,
    started_at: datetime | None = None,
    expected_version: int | None = None,
) -> IncrementResult:
    """Amend the published version with new or changed records and their matching result.

    Args:
        engine: the store.
        run_id: this run's id, recorded in ``runs`` (kind ``increment``) and with the ID events.
        persons_new, registrations_new: the delta (:func:`changed_records`).
        result: ``matching.link_increment(persons_new, candidate_records(...), model)``; its
            frames cover the new records only.
        snapshots: the snapshot folder: the amended version's Parquet snapshot is removed there
            (it no longer matches the store; rewriting a million rows would take longer than
            the increment, and the next full run writes the next version's snapshot).
        expected_version: the version the candidates were read from; when another version was
            published since, nothing is written (:class:`StoreError`): the matching result
            would name that version's IDs.
    """
    clock = time.perf_counter()
    started_at = started_at or ver.now()
    persons_new = persons_new.reset_index(drop=True)
    registrations_new = (registrations_new if registrations_new is not None
                         else pd.DataFrame(columns=list(REGISTRATION_COLUMNS)))
    records = source_records(persons_new, result.assignments)
    records, secret = split_confidential(records)
    links = person_links(result.assignments, result.links, result.config_version)
    counts: dict[str, int] = {}
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":  # one writer amends or switches at a time
            conn.execute(sa.select(s.published_version).with_for_update())
        version = ver.current_version_id(conn)
        if version is None:
            raise StoreError("nothing is published yet: an increment needs a full run first")
        if expected_version is not None and version != expected_version:
            raise StoreError(f"version {version} was published while this increment linked "
                             f"against version {expected_version}: run the increment again")
        previous = _previous_ids(conn, version, records)
        counts["source_records"] = _replace(conn, s.source_records, version, records, RECORD_KEY)
        counts["confidential_addresses"] = _replace(conn, s.confidential_addresses, version,
                                                    secret, RECORD_KEY, records)
        counts["person_links"] = _replace(conn, s.person_links, version, links, RECORD_KEY)
        cases, case_people = registration_rows(registrations_new, records)
        case_people = _registration_people(conn, version, case_people)
        counts["registrations"] = _replace(conn, s.registrations, version, cases,
                                           ["source", "case_id"])
        counts["registration_persons"] = _replace(conn, s.registration_persons, version,
                                                  case_people, ["source", "case_id"], cases)
        _repoint(conn, version, records)
        review = _review_items(conn, version, result, records)
        counts["review_queue"] = _replace(conn, s.review_queue, version, review, ["item_id"])
        person_ids = sorted(set(records["person_id"].dropna())
                            | set(previous["person_id"].dropna()))
        household_ids = sorted(set(records["household_id"].dropna())
                               | set(previous["household_id"].dropna()))
        counts |= _recompute(conn, version, person_ids, household_ids)
        counts["household_links"] = _replace(
            conn, s.household_links, version, household_link_rows(result.household_links),
            ["household_id", "other_household_id", "relation"])
        events = event_rows(result.events, links)
        insert_frame(conn, s.id_events, events, run_id=run_id, version_id=version,
                     created_at=ver.now())
        _amend_version(conn, version, counts)
        stats = {**(result.stats or {}), "records": int(len(records)),
                 "registrations": int(len(cases)), "review_items": int(len(review)),
                 "persons_recomputed": len(person_ids), "households_recomputed":
                 len(household_ids),
                 # the persons whose rows this increment wrote: the web app's search index
                 # reads these again instead of rebuilding (increment_persons)
                 PERSON_IDS: person_ids}
        conn.execute(s.runs.insert().values(
            run_id=run_id, kind=INCREMENT, status="published", started_at=started_at,
            finished_at=ver.now(), version_id=version, input_hash=None,
            config_version=result.config_version, stats=stats_json(stats),
            message=f"{len(records)} records and {len(cases)} cases added to version {version}"))
    if snapshots is not None:
        remove_snapshots(snapshots, [version])
    return IncrementResult(run_id, version, counts, time.perf_counter() - clock)


def _amend_version(conn: sa.Connection, version: int, delta: dict[str, int]) -> None:
    """Row counts moved by ``delta``; no input hash: the next full run must publish."""
    text = conn.execute(sa.select(s.versions.c.counts).where(
        s.versions.c.version_id == version)).scalar_one_or_none()
    counts: dict[str, int] = json.loads(text) if text else {}
    for table, change in delta.items():
        if table in counts:
            counts[table] = int(counts[table]) + change
    conn.execute(s.versions.update().where(s.versions.c.version_id == version).values(
        counts=json.dumps(counts, sort_keys=True)))
    conn.execute(s.versions.update().values(input_hash=None))
