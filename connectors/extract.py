"""Extract one partner, or all: read, map, filter to the proeftuin, quarantine, stage, commit state.

The order matters for exactly-once processing: staging is written first, then quarantine, then
files are archived and the state (watermarks, file hashes) is saved. A crash before the state is
saved means the same rows are read again next time, and the staging upsert makes that harmless.
Counts reconcile per dataset: ``read == staged + quarantined + out_of_scope``.
"""

import contextlib
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from connectors.config import DatasetConfig, HubConfig, PartnerConfig
from connectors.delivery import Delivery, Rejected
from connectors.files import folders, move_to, read_files
from connectors.mapping import (
    COLUMNS,
    aggregate_registrations,
    canonical_record,
    empty,
    map_rows,
    to_canonical,
)
from connectors.rest import read_rest
from connectors.scope import persons_in_scope, registrations_in_scope
from connectors.sql import read_sql
from connectors.staging import staged_keys, write_staging
from connectors.state import load_state, save_state
from foundation.errors import HubError, ParseError, SourceUnavailableError
from foundation.files import private_dir
from foundation.privacy import mask_text
from foundation.quarantine import record_json, remask_partner, write_quarantine
from foundation.settings import Settings

Progress = Callable[[str, int], None]
"""Called as rows are read: ``(dataset, rows_so_far)``; used for the CLI progress display."""


@dataclass
class DatasetCounts:
    """Counts of one dataset in one run; rows are source rows (before aggregation)."""

    read: int = 0
    staged: int = 0
    quarantined: int = 0
    out_of_scope: int = 0
    scope_unknown: int = 0
    files_read: int = 0
    files_rejected: int = 0
    files_skipped: int = 0

    @property
    def reconciled(self) -> bool:
        return self.read == self.staged + self.quarantined + self.out_of_scope


@dataclass
class ExtractResult:
    """What one partner's extraction produced (this run's rows) and its counts."""

    partner: str
    run_id: str
    persons: pd.DataFrame
    registrations: pd.DataFrame
    counts: dict[str, DatasetCounts]
    rejected_files: list[str] = field(default_factory=list)
    rejections: dict[str, str] = field(default_factory=dict)
    """Each delivery rejected whole (file name) with its reason, BSN shapes masked (they go to
    the screen and to Dagster metadata): a run with one is not ``ok``."""

    @property
    def reconciled(self) -> bool:
        return all(c.reconciled for c in self.counts.values())


def new_run_id() -> str:
    """A sortable, unique run id: UTC time plus a short random part."""
    return f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"


def _deliveries(partner: PartnerConfig, dataset: DatasetConfig,
                state: dict[str, Any]) -> Iterator[Delivery | Rejected]:
    if partner.kind == "files":
        return read_files(partner, dataset, state)
    if partner.kind == "sql":
        return read_sql(partner, dataset, state)
    return read_rest(partner, dataset, state)


@dataclass
class _Read:
    """Mapped rows and bookkeeping of one dataset, before scope and staging."""

    rows: list[pd.DataFrame] = field(default_factory=list)
    quarantine: list[pd.DataFrame] = field(default_factory=list)
    counts: DatasetCounts = field(default_factory=DatasetCounts)
    processed: list[Delivery] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    full: bool = False

    def withdraw(self, delivery: Delivery, reason: str) -> None:
        """Take back a file read here because another dataset rejected it: a file goes whole."""
        name = delivery.origin
        read = sum(int((f["origin"] == name).sum()) for f in self.rows)
        held = sum(int((q["origin"] == name).sum()) for q in self.quarantine)
        self.rows = [f[f["origin"] != name] for f in self.rows]
        self.quarantine = [q[q["origin"] != name] for q in self.quarantine]
        self.counts.read -= read + held
        self.counts.quarantined -= held
        self.counts.files_read -= 1
        self.processed.remove(delivery)
        self.rejected.append(Rejected(origin=name, reason=reason, path=delivery.path,
                                      sha256=delivery.sha256))
        self.counts.files_rejected = len(self.rejected)


def _read_dataset(partner: PartnerConfig, dataset: DatasetConfig, state: dict[str, Any],
                  extracted_at: pd.Timestamp, progress: Progress | None) -> _Read:
    out = _Read()
    strict = partner.kind != "rest"
    for delivery in _deliveries(partner, dataset, state):
        if isinstance(delivery, Rejected):
            out.rejected.append(delivery)
            continue
        if delivery.state.get("duplicate"):
            out.counts.files_skipped += 1
            out.processed.append(delivery)
            continue
        rows, quarantine, read = [], [], 0
        try:
            for chunk in delivery.chunks:
                mapped = map_rows(chunk, dataset, partner.key, extracted_at, strict)
                rows.append(mapped.rows)
                quarantine.append(mapped.quarantine)
                read += len(chunk)
                if progress:
                    progress(dataset.name, out.counts.read + read)
        except ParseError as exc:
            if partner.kind != "files":
                raise SourceUnavailableError(exc.message, partner=partner.key,
                                             origin=exc.origin or delivery.origin) from None
            out.rejected.append(Rejected(origin=delivery.origin, reason=exc.message,
                                         path=delivery.path, sha256=delivery.sha256))
            continue
        out.rows.extend(rows)
        out.quarantine.extend(quarantine)
        out.counts.read += read
        out.counts.quarantined += sum(len(q) for q in quarantine)
        out.processed.append(delivery)
        out.full = out.full or delivery.full
        if partner.kind == "files":
            out.counts.files_read += 1
    out.counts.files_rejected = len(out.rejected)
    return out


def _concat(frames: list[pd.DataFrame], kind: str) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty(kind)
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def _file_quarantine(rejected: list[Rejected], dataset: str) -> pd.DataFrame:
    return pd.DataFrame([{
        "dataset": "file", "origin": r.origin, "origin_row": None, "source_record_id": None,
        "rule": "parse", "field": None, "reason": f"{dataset} file rejected: {r.reason}",
        "severity": "row", "record": None,
    } for r in rejected])


def extract_partner(partner_key: str, config: HubConfig, settings: Settings, run_id: str,
                    progress: Progress | None = None, full: bool = False) -> ExtractResult:
    """Extract one partner into staging; raises SourceUnavailableError when its system is down.

    ``full`` ignores the saved watermarks and file hashes for this run (re-read everything that
    is still there, e.g. after a restore); staging is still upserted, never emptied.
    """
    if partner_key not in config.partners:
        raise HubError("unknown partner (not in the partner configuration)", partner=partner_key)
    partner = config.partners[partner_key]
    remask_partner(settings.quarantine, partner_key, partial(_canonical_or_withheld, partner))
    state = load_state(settings, partner_key)
    reading = {"files": {}, "watermarks": {}} if full else state
    extracted_at = pd.Timestamp(datetime.now(UTC)).as_unit("us")
    reads = {name: _read_dataset(partner, ds, reading, extracted_at, progress)
             for name, ds in partner.datasets.items()}
    _reject_whole_files(reads)
    counts = {name: r.counts for name, r in reads.items()}

    persons = empty("persons")
    if "persons" in reads:
        persons, out_ids = _scope_persons(reads["persons"], config, partner_key, settings)
    else:
        out_ids = set()
    registrations = empty("registrations")
    if "registrations" in reads:
        staged_ids = staged_keys(settings, partner_key, "persons")
        quarantined_ids = {i for q in reads.get("persons", _Read()).quarantine
                           for i in q["source_record_id"].dropna()}
        registrations, dropped = _scope_registrations(
            reads["registrations"], partner.datasets["registrations"],
            staged_ids | quarantined_ids, out_ids)
        write_staging(settings, partner_key, "registrations", registrations,
                      replace=reads["registrations"].full, remove_keys=dropped)

    quarantine = [q for r in reads.values() for q in r.quarantine]
    quarantine += [_file_quarantine(r.rejected, name) for name, r in reads.items() if r.rejected]
    _write_quarantine(settings, partner_key, run_id, quarantine)
    _archive(partner, reads, run_id)
    for name, r in reads.items():
        if r.processed and r.processed[0].state.get("watermark") is not None:
            state["watermarks"][name] = r.processed[0].state["watermark"]
        for d in r.processed:
            if d.sha256:
                state["files"].setdefault(d.sha256, {"name": d.origin, "run_id": run_id,
                                                     "dataset": name})
        for rej in r.rejected:
            if rej.sha256:  # informative only: a re-delivered broken file is rejected again
                state.setdefault("rejected", {})[rej.sha256] = {
                    "name": rej.origin, "run_id": run_id, "dataset": name, "reason": rej.reason}
    save_state(settings, partner_key, state)
    return ExtractResult(partner=partner_key, run_id=run_id, persons=persons,
                         registrations=registrations, counts=counts,
                         rejected_files=list(dict.fromkeys(
                             r.origin for rs in reads.values() for r in rs.rejected)),
                         rejections={mask_text(r.origin): mask_text(r.reason)
                                     for rs in reads.values() for r in rs.rejected})


def _canonical_or_withheld(partner: PartnerConfig, record: dict[str, Any],
                           dataset: str) -> dict[str, Any] | None:
    """An old quarantine record in canonical form: a raw row (partner column names) is mapped
    through the partner's mapping; a canonical one (validation) is kept; anything else withheld.
    """
    canonical = set(COLUMNS.get(dataset, ())) | {"withheld_columns"}
    if set(record) <= canonical:
        return record
    if dataset in partner.datasets:
        return canonical_record(record, partner.datasets[dataset])
    return None


def _reject_whole_files(reads: dict[str, _Read]) -> None:
    """A file rejected by one dataset (e.g. its persons sheet) is rejected for all of them."""
    rejected = {r.sha256: (name, r.reason) for name, rd in reads.items() for r in rd.rejected
                if r.sha256}
    for rd in reads.values():
        for delivery in list(rd.processed):
            if delivery.sha256 in rejected and not delivery.state.get("duplicate"):
                other, reason = rejected[delivery.sha256]
                rd.withdraw(delivery, f"rejected with the {other} data: {reason}")


def _scope_persons(read: _Read, config: HubConfig, partner: str,
                   settings: Settings) -> tuple[pd.DataFrame, set[str]]:
    rows = _concat(read.rows, "persons")
    in_scope, unknown = persons_in_scope(rows, config.scope)
    kept = rows[in_scope.to_numpy()].reset_index(drop=True)
    out_ids = (set(rows.loc[~in_scope.to_numpy(), "source_record_id"])
               - set(kept["source_record_id"]))
    read.counts.out_of_scope = int((~in_scope).sum())
    read.counts.scope_unknown = int(unknown.sum())
    read.counts.staged = len(kept)
    canonical = to_canonical(kept, "persons")
    write_staging(settings, partner, "persons", canonical, replace=read.full,
                  remove_keys=out_ids)
    return canonical, out_ids


def _scope_registrations(read: _Read, dataset: DatasetConfig, known_ids: set[str],
                         out_ids: set[str]) -> tuple[pd.DataFrame, set[str]]:
    """Aggregate, drop registrations without an in-scope person; returns kept rows, dropped ids."""
    rows = _concat(read.rows, "registrations")
    if dataset.aggregate_by:
        rows, per_case = aggregate_registrations(rows)
    else:
        per_case = rows.groupby("case_id", sort=False).size()
    if rows.empty:
        return to_canonical(rows, "registrations"), set()
    rows = _hold_cases_without_persons(read, rows, per_case)
    mask, pruned = registrations_in_scope(rows, known_ids, out_ids)
    kept = pruned[mask.to_numpy()].reset_index(drop=True)
    dropped = set(rows.loc[~mask.to_numpy(), "case_id"]) - set(kept["case_id"])
    read.counts.out_of_scope = int(per_case.reindex(sorted(dropped)).sum()) if dropped else 0
    read.counts.staged = read.counts.read - read.counts.quarantined - read.counts.out_of_scope
    return to_canonical(kept, "registrations"), dropped


def _hold_cases_without_persons(read: _Read, rows: pd.DataFrame,
                                per_case: pd.Series) -> pd.DataFrame:
    """Quarantine cases that name no person at all (every row's person id missing, e.g. rows
    cut short): nothing says they are outside the proeftuin, so they are not out of scope."""
    empty_ids = rows["person_record_ids"].map(lambda ids: ids is None or len(ids) == 0)
    if not empty_ids.any():
        return rows
    held = rows[empty_ids.to_numpy()]
    read.quarantine.append(pd.DataFrame([{
        "dataset": "registrations", "origin": str(r["origin"]),
        "origin_row": int(r["origin_row"]), "source_record_id": str(r["case_id"]),
        "rule": "required", "field": "person_record_ids",
        "reason": "field person_record_ids: no person ids in any row of the case",
        "severity": "row", "record": record_json(r),
    } for r in held.to_dict("records")]))
    read.counts.quarantined += int(per_case.reindex(held["case_id"].tolist()).sum())
    return rows[~empty_ids.to_numpy()].reset_index(drop=True)


def _write_quarantine(settings: Settings, partner: str, run_id: str,
                      frames: list[pd.DataFrame]) -> None:
    frames = [f for f in frames if len(f)]
    if frames:
        write_quarantine(settings.quarantine, partner, run_id, "extract",
                         pd.concat(frames, ignore_index=True))


def _archive(partner: PartnerConfig, reads: dict[str, _Read], run_id: str) -> None:
    if partner.kind != "files":
        return
    _, archive, rejected = folders(partner)
    moved: set[Path] = set()
    for r in reads.values():
        for d in r.processed:
            if d.path and d.path not in moved and d.path.exists():
                move_to(d.path, archive, d.sha256)
                moved.add(d.path)
        for rej in r.rejected:
            if rej.path and rej.path not in moved and rej.path.exists():
                move_to(rej.path, rejected, rej.sha256)
                moved.add(rej.path)


@dataclass
class RunReport:
    """The outcome of extracting several partners: results and errors per partner."""

    run_id: str
    results: dict[str, ExtractResult] = field(default_factory=dict)
    errors: dict[str, HubError] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """No partner failed, every count reconciles and no delivery was rejected whole."""
        return not self.errors and all(r.reconciled and not r.rejections
                                       for r in self.results.values())


Services = Callable[[HubConfig, Settings, list[str]], AbstractContextManager[HubConfig]]
"""Starts what a partner's system needs for the extraction (the demo's local API, for one) and
yields the configuration to extract with; given by the caller, so connectors know no demo."""


@contextlib.contextmanager
def no_services(config: HubConfig, settings: Settings, keys: list[str]) -> Iterator[HubConfig]:
    """The partners' systems run by themselves: the configuration as it is."""
    yield config


def extract_all(config: HubConfig, settings: Settings, partners: list[str] | None = None,
                run_id: str | None = None,
                progress: Callable[[str], Progress | None] | None = None,
                full: bool = False, services: Services = no_services) -> RunReport:
    """Extract every (or the named) partner; a failing partner is recorded and the rest go on."""
    run_id = run_id or new_run_id()
    private_dir(settings.home)  # 0700: also shields files an older hub left readable
    report = RunReport(run_id=run_id)
    keys = partners or list(config.partners)
    for key in keys:
        try:
            with services(config, settings, [key]) as live:
                report.results[key] = extract_partner(key, live, settings, run_id,
                                                      progress(key) if progress else None, full)
        except HubError as exc:  # this partner failed; the others still run
            report.errors[key] = exc
    return report
