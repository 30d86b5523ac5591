"""Atomic, idempotent publishing of one merged registration.

``publish`` loads a complete new version next to the published one (one transaction), then
switches the ``published_version`` pointer in a second, short transaction that also records the ID
events, the copied quarantine and the run. A crash (even SIGKILL) before the switch leaves the
previous version published and whole; the next publish removes the orphaned rows. Readers join on
the pointer, so they see the old version until the switch and the new one after it.

Inputs that did not change since the published version (same fingerprint, see
:mod:`hub.store.fingerprint`) publish nothing: the run is recorded as ``unchanged`` and the current
version stays, with the same IDs and rows.
"""

import json
import logging
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa

from foundation.quarantine_schema import QUARANTINE_COLUMNS
from hub.store import versions as ver
from hub.store.build import LinkResultLike, build_version
from hub.store.bulk import insert_frame
from hub.store.columns import row_hashes, typed
from hub.store.decisions import decisions_for_matching
from hub.store.disputes import resolve_changed as resolve_changed_disputes
from hub.store.engine import SQLITE_CACHE_KIB
from hub.store.fingerprint import input_hash
from hub.store.reuse import copy_unchanged
from hub.store.snapshots import (
    PendingSnapshot,
    discard_snapshot,
    finish_snapshot,
    remove_leftovers,
    remove_snapshots,
    snapshot_folder,
    start_snapshot,
    write_snapshot,
)
from schemas.store import ROW_HASH, VERSIONED_TABLES, id_events, quarantine, run_sources, runs

log = logging.getLogger(__name__)

LOAD_CACHE_KIB = 524_288
"""SQLite page cache while loading a version: 512 MiB at most, used only as pages are touched."""


@dataclass(frozen=True)
class PartnerRun:
    """One partner's extract in this run: its counts and freshness, never its data."""

    source: str
    status: str = "ok"
    """``ok`` or ``failed`` (a failed partner keeps its last good staged data)."""
    last_success_at: datetime | None = None
    counts: dict[str, Any] | None = None
    error: str | None = None


@dataclass(frozen=True)
class PublishResult:
    """What a publish did."""

    run_id: str
    status: str
    """``published`` (a new version) or ``unchanged`` (the current version kept)."""
    version_id: int
    input_hash: str
    counts: dict[str, int] = field(default_factory=dict)
    snapshot: Path | None = None
    pruned: list[int] = field(default_factory=list)
    seconds: float = 0.0


def stats_json(stats: dict[str, Any] | None) -> str | None:
    """A run's statistics as JSON for ``runs.stats`` (numpy values as plain numbers)."""
    if not stats:
        return None
    return json.dumps(stats, sort_keys=True, default=lambda v: v.tolist()
                      if hasattr(v, "tolist") else str(v))


def _record_run(
    conn: sa.Connection,
    run_id: str,
    *,
    kind: str,
    status: str,
    started_at: datetime,
    finished: bool,
    version_id: int | None = None,
    fingerprint: str | None = None,
    config_version: str | None = None,
    stats: dict[str, Any] | None = None,
    message: str | None = None,
) -> None:
    """Insert or update the run's history row."""
    values = {
        "kind": kind, "status": status, "started_at": started_at,
        "finished_at": ver.now() if finished else None, "version_id": version_id,
        "input_hash": fingerprint, "config_version": config_version,
        "stats": stats_json(stats), "message": message,
    }
    exists = conn.execute(sa.select(runs.c.run_id).where(runs.c.run_id == run_id)).first()
    if exists:
        conn.execute(runs.update().where(runs.c.run_id == run_id).values(**values))
    else:
        conn.execute(runs.insert().values(run_id=run_id, **values))


def _record_partners(conn: sa.Connection, run_id: str, partners: list[PartnerRun]) -> None:
    conn.execute(run_sources.delete().where(run_sources.c.run_id == run_id))
    if partners:
        conn.execute(
            run_sources.insert(),
            [
                {"run_id": run_id, "source": p.source, "status": p.status,
                 "last_success_at": p.last_success_at,
                 "counts": json.dumps(p.counts, sort_keys=True) if p.counts else None,
                 "error": p.error}
                for p in partners
            ],
        )


def _copy_quarantine(conn: sa.Connection, rows: pd.DataFrame | None, version_id: int) -> int:
    """Copy quarantined rows of (partner, run, stage) files not copied before."""
    if rows is None or rows.empty:
        return 0
    seen = {
        (r.partner, r.run_id, r.stage)
        for r in conn.execute(
            sa.select(quarantine.c.partner, quarantine.c.run_id, quarantine.c.stage).distinct()
        )
    }
    keys = list(zip(rows["partner"], rows["run_id"], rows["stage"], strict=True))
    new = rows.loc[[k not in seen for k in keys], list(QUARANTINE_COLUMNS)]
    return insert_frame(conn, quarantine, new, published_version_id=version_id)


def is_unchanged(
    engine: sa.Engine,
    persons: pd.DataFrame,
    registrations: pd.DataFrame,
    config_version: str,
    decisions: pd.DataFrame | None = None,
) -> bool:
    """True when these inputs are what the published version was built from.

    Lets a pipeline skip matching on an unchanged re-run; :func:`publish` checks it again anyway.
    """
    if decisions is None:
        decisions = decisions_for_matching(engine)
    with engine.connect() as conn:
        current = ver.current_version(conn)
    return ver.built_from(current, input_hash(persons, registrations, decisions, config_version))


def publish(
    engine: sa.Engine,
    run_id: str,
    persons: pd.DataFrame,
    registrations: pd.DataFrame,
    result: LinkResultLike,
    *,
    decisions: pd.DataFrame | None = None,
    quarantined: pd.DataFrame | None = None,
    partners: list[PartnerRun] | None = None,
    snapshots: Path | None = None,
    keep: int | None = None,
    started_at: datetime | None = None,
) -> PublishResult:
    """Publish staged records and their matching result as the new merged registration.

    Args:
        engine: the store (upgraded, see :func:`hub.store.engine.open_store`).
        run_id: this run's id (the Dagster run id); recorded in the history.
        persons, registrations: all partners' staged canonical rows (schemas/canonical.py).
        result: ``matching.link(persons, previous=previous_assignments(engine),
            decisions=decisions_for_matching(engine))``.
        decisions: the decisions given to matching (default: those in force now).
        quarantined: rows from :func:`foundation.quarantine.read_quarantine` to copy into the store.
        partners: per-partner extract status, counts and freshness of this run.
        snapshots: folder for Parquet snapshots (``Settings.snapshots``); None writes none.
        keep: versions (and snapshots) to keep; default ``HUB_KEEP_VERSIONS`` or 3.
    """
    clock = time.perf_counter()
    started_at = started_at or ver.now()
    partners = partners or []
    keep = keep or ver.keep_versions()
    if decisions is None:
        decisions = decisions_for_matching(engine)
    fingerprint = input_hash(persons, registrations, decisions, result.config_version)
    if snapshots is not None:
        remove_leftovers(snapshots)  # a publish killed with -9 left half-written folders

    with engine.begin() as conn:
        current = ver.current_version(conn)
        unchanged = current if ver.built_from(current, fingerprint) else None
        if unchanged is not None:
            _record_run(conn, run_id, kind="publish", status="unchanged", started_at=started_at,
                        finished=True, version_id=unchanged.version_id, fingerprint=fingerprint,
                        config_version=result.config_version, stats=result.stats)
            _record_partners(conn, run_id, partners)
            _copy_quarantine(conn, quarantined, unchanged.version_id)
    if unchanged is not None:
        snapshot = _ensure_snapshot(engine, snapshots, unchanged.version_id)
        return PublishResult(run_id, "unchanged", unchanged.version_id, fingerprint,
                             json.loads(unchanged.counts or "{}"), snapshot,
                             seconds=time.perf_counter() - clock)

    frames = _typed_rows(build_version(persons, registrations, result))
    ver.discard_incomplete(engine)
    with engine.begin() as conn:
        _record_run(conn, run_id, kind="publish", status="running", started_at=started_at,
                    finished=False, fingerprint=fingerprint, config_version=result.config_version)
        version_id = ver.start_version(conn, run_id, fingerprint, result.config_version)
    files = _SnapshotFiles(snapshots, version_id, frames)
    try:
        counts = _load(engine, frames, version_id,
                       current.version_id if current is not None else None)
        with engine.begin() as conn:
            ver.switch_to(conn, version_id, json.dumps(counts, sort_keys=True))
            resolve_changed_disputes(conn, version_id)
            insert_frame(conn, id_events, frames["id_events"], run_id=run_id,
                         version_id=version_id, created_at=ver.now())
            _copy_quarantine(conn, quarantined, version_id)
            _record_partners(conn, run_id, partners)
            _record_run(conn, run_id, kind="publish", status="published", started_at=started_at,
                        finished=True, version_id=version_id, fingerprint=fingerprint,
                        config_version=result.config_version, stats=result.stats)
    except BaseException as exc:
        files.discard()
        _abandon(engine, run_id, version_id, started_at, exc)
        raise
    snapshot = files.finish(engine)
    pruned = ver.prune(engine, keep)
    if snapshots is not None:
        remove_snapshots(snapshots, pruned)
    return PublishResult(run_id, "published", version_id, fingerprint, counts, snapshot, pruned,
                         time.perf_counter() - clock)


def _typed_rows(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Each versioned table's rows typed (:mod:`hub.store.columns`), in primary-key order (they
    append to the key's B-tree instead of splitting pages) and with their ``row_hash``."""
    out = dict(frames)
    for table in VERSIONED_TABLES:
        frame = frames[table.name]
        keys = [c.name for c in table.primary_key.columns if c.name in frame.columns]
        frame = frame.sort_values(keys, kind="stable") if keys and len(frame) else frame
        rows = typed(frame, table)
        rows[ROW_HASH] = row_hashes(rows, table)
        out[table.name] = rows
    return out


def _load(engine: sa.Engine, frames: dict[str, pd.DataFrame], version_id: int,
          previous: int | None) -> dict[str, int]:
    """Write every versioned table's rows (:func:`_typed_rows`) for ``version_id`` in one
    transaction.

    Rows equal to the ``previous`` (published) version's are copied inside the database
    (:mod:`hub.store.reuse`); only new and changed rows are converted and sent.
    """
    counts = {}
    with engine.begin() as conn:
        _cache_for_load(conn, LOAD_CACHE_KIB)
        for table in VERSIONED_TABLES:
            rows = frames[table.name]
            counts[table.name] = len(rows)
            if previous is not None:
                rows = copy_unchanged(conn, table, rows, previous, version_id)
            insert_frame(conn, table, rows, version_id=version_id)
        _cache_for_load(conn, SQLITE_CACHE_KIB)
    return counts


class _SnapshotFiles:
    """The new version's Parquet files, written in a thread while the database loads."""

    def __init__(self, root: Path | None, version_id: int,
                 frames: dict[str, pd.DataFrame]) -> None:
        self._pool: ThreadPoolExecutor | None = None
        self._future: Future[PendingSnapshot] | None = None
        if root is not None:
            self._pool = ThreadPoolExecutor(max_workers=1)
            self._future = self._pool.submit(start_snapshot, root, version_id, frames, True)

    def _pending(self) -> PendingSnapshot | None:
        if self._future is None or self._pool is None:
            return None
        try:
            return self._future.result()
        except OSError:
            log.exception("could not write the snapshot files")
            return None
        finally:
            self._pool.shutdown()

    def finish(self, engine: sa.Engine) -> Path | None:
        """Put the files in place for the now published version."""
        pending = self._pending()
        if pending is None:
            return None
        try:
            return finish_snapshot(engine, pending)
        except OSError:
            log.exception("could not put the snapshot of version %s in place",
                          pending.version_id)
            return None

    def discard(self) -> None:
        """The version was not published: remove its files (never masking the load's error)."""
        try:
            pending = self._pending()
        except Exception:  # the load's error is the one to raise
            log.exception("the snapshot files failed too")
            return
        if pending is not None:
            discard_snapshot(pending)


def _cache_for_load(conn: sa.Connection, kib: int) -> None:
    """Set the SQLite page cache of this connection: larger while it loads (index pages of a
    million rows in random ``person_id`` order spilled out of the default one), then back."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"PRAGMA cache_size=-{int(kib)}")


def _abandon(engine: sa.Engine, run_id: str, version_id: int, started_at: datetime,
             exc: BaseException) -> None:
    """Best effort after a failed load: drop the partial version, mark the run failed."""
    try:
        ver.discard_incomplete(engine)
        with engine.begin() as conn:
            _record_run(conn, run_id, kind="publish", status="failed", started_at=started_at,
                        finished=True, version_id=ver.current_version_id(conn),
                        message=f"publishing stopped: {type(exc).__name__}")
    except Exception:  # the original error matters more
        log.exception("could not record the failed publish of run %s", run_id)


def _ensure_snapshot(engine: sa.Engine, root: Path | None, version_id: int) -> Path | None:
    """Write the version's snapshot unless it exists (a crash may have skipped it)."""
    if root is None:
        return None
    folder = snapshot_folder(root, version_id)
    if (folder / "manifest.json").exists():
        return folder
    try:
        return write_snapshot(engine, root, version_id)
    except OSError:
        log.exception("could not write the snapshot of version %s", version_id)
        return None
