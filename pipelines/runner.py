"""Run the whole graph in-process, as ``hub run``, the benchmark and the tests do.

Two runs on one Dagster instance, exactly as the nightly schedule chains them: the ingest job for
the chosen partners (a partner that fails stays failed, the others go on), then the publish job
over every partner's last validated data. Returns a summary built from the runs' own metadata.
"""

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import yaml

from foundation.files import private_dir
from foundation.privacy import mask_text
from foundation.settings import PROJECT_ROOT, Settings, get_settings
from pipelines.defs.jobs import INGEST_JOB, PUBLISH_JOB
from pipelines.keys import (
    LINKED_PERSONS,
    MERGED_REGISTRATION,
    REGISTRATION_KEYS,
    extracted_key,
    staged_key,
)

QUIET_LOGS = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
"""The summary reports failures; Dagster's own step logs stay in the instance (and the UI)."""


@dataclass
class PartnerSummary:
    """One partner in one run: extraction counts, or why it failed."""

    partner: str
    status: str
    """``ok``, ``failed`` (extraction), ``rejected`` (a delivery rejected whole), ``blocked``
    (validation) or ``skipped``."""
    counts: dict[str, int] = field(default_factory=dict)
    """Extraction counts (``persons_read``, ...) and validation counts (``persons_validated``,
    ``persons_held_back``, ``persons_passed``), so both stages' quarantine can be shown."""
    error: str | None = None
    verdicts_reused_from: str | None = None
    """Set when the staging was unchanged and the verdicts of that run's validation were kept."""


@dataclass
class RunSummary:
    """What ``hub run`` prints: per-partner counts, the published result and where it lives."""

    ingest_run_id: str
    publish_run_id: str | None
    partners: list[PartnerSummary]
    published: dict[str, object] = field(default_factory=dict)
    linking: dict[str, object] = field(default_factory=dict)
    publish_error: str | None = None
    step_seconds: dict[str, float] = field(default_factory=dict)
    """Wall seconds per Dagster step of both runs, for operators who look for the slow part."""
    checks: dict[str, dict[str, object]] = field(default_factory=dict)
    """The publish run's asset checks: name -> {"passed": bool, **metadata values}."""

    @property
    def ok(self) -> bool:
        """True when publishing succeeded and every partner was read and passed validation."""
        return self.publish_error is None and all(p.status == "ok" for p in self.partners)


def dagster_home(settings: Settings) -> Path:
    """``DAGSTER_HOME`` if set, else ``HUB_HOME/dagster``; given the project's instance settings.

    A new home gets the repository's ``dagster.yaml`` with its storage pointed at that home, so
    runs of ``hub run`` show up in the Dagster UI started on the same home.
    """
    home = private_dir(Path(os.environ.get("DAGSTER_HOME") or settings.dagster_home).resolve())
    target = home / "dagster.yaml"
    if not target.exists():
        config = yaml.safe_load((PROJECT_ROOT / "dagster.yaml").read_text(encoding="utf-8"))
        config["storage"] = {"sqlite": {"base_dir": str(home)}}
        tmp = target.with_suffix(".yaml.tmp")
        tmp.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
        tmp.replace(target)
    return home


def open_instance(settings: Settings) -> dg.DagsterInstance:
    """The persistent local instance ``hub run`` records its runs in."""
    return dg.DagsterInstance.from_config(str(dagster_home(settings)))


def load_definitions() -> dg.Definitions:
    """The code location's definitions, built for the current settings."""
    from pipelines.definitions import defs

    return defs()


def _metadata(result: dg.ExecuteInProcessResult, key: dg.AssetKey) -> dict[str, object]:
    for event in result.get_asset_materialization_events():
        materialization = event.step_materialization_data.materialization
        if materialization.asset_key == key:
            return {k: v.value for k, v in materialization.metadata.items()}
    return {}


def _first_line(event: dg.DagsterEvent) -> str:
    """The failing step's own error (not Dagster's wrapper), first line only."""
    error = event.step_failure_data.error
    while error is not None and error.cause is not None:
        error = error.cause
    if error is None:
        return "failed"
    lines = error.message.strip().splitlines()
    first = lines[0] if lines else error.cls_name or "failed"
    # "foundation.errors.SourceUnavailableError: ..." -> "SourceUnavailableError: ..."
    head, sep, rest = first.partition(": ")
    line = f"{head.rsplit('.', 1)[-1]}{sep}{rest}" if sep and " " not in head else first
    return mask_text(line)  # a library's message may quote a value


def _failure(result: dg.ExecuteInProcessResult, key: dg.AssetKey) -> str | None:
    """The error message of the step that materialises ``key``, if it failed."""
    step = "__".join(key.path)
    for event in result.get_step_failure_events():
        if event.step_key == step:
            return _first_line(event)
    return None


def _partner_summary(result: dg.ExecuteInProcessResult, partner: str) -> PartnerSummary:
    extracted = _metadata(result, extracted_key(partner))
    counts = {k: int(v) for k, v in extracted.items()
              if k.startswith(("persons_", "registrations_")) and isinstance(v, int | float)}
    error = _failure(result, extracted_key(partner))
    if error:
        return PartnerSummary(partner, "failed", counts, error)
    if not extracted:
        return PartnerSummary(partner, "skipped", counts)
    staged = _metadata(result, staged_key(partner))
    for dataset in ("persons", "registrations"):
        for ours, theirs in (("validated", "staged"), ("held_back", "quarantined"),
                             ("passed", "passed")):
            value = staged.get(f"{dataset}_{theirs}")
            if isinstance(value, int | float):
                counts[f"{dataset}_{ours}"] = int(value)
    problem = _failure(result, staged_key(partner))
    failed_checks = [
        c.check_name for c in result.get_asset_check_evaluations()
        if c.asset_key == staged_key(partner) and not c.passed
        and c.severity == dg.AssetCheckSeverity.ERROR
    ]
    if staged.get("blocked") or problem or failed_checks:
        # a failing blocking check also fails the staged step: name the rules, as before
        why = (f"blocking validation failed: {', '.join(failed_checks)}" if failed_checks
               else problem or "blocking validation failed: see Dagster")
        return PartnerSummary(partner, "blocked", counts, why)
    reused = staged.get("verdicts_reused_from_run")
    reused_from = str(reused) if reused else None
    rejected = str(extracted.get("rejected") or "").strip()
    if rejected:
        return PartnerSummary(partner, "rejected", counts,
                              "rejected: " + "; ".join(rejected.splitlines()),
                              verdicts_reused_from=reused_from)
    return PartnerSummary(partner, "ok", counts, verdicts_reused_from=reused_from)


def step_seconds(instance: dg.DagsterInstance, run_id: str) -> dict[str, float]:
    """Wall seconds of each finished step of a run, from the instance's own event log."""
    return {
        stats.step_key: round(stats.end_time - stats.start_time, 2)
        for stats in instance.get_run_step_stats(run_id)
        if stats.start_time is not None and stats.end_time is not None
    }


def _anything_validated(settings: Settings, partners: list[str]) -> bool:
    from pipelines.validated import validated_path

    return any(validated_path(settings, p, "persons").exists() for p in partners)


def has_last_good_data(settings: Settings, partner: str) -> bool:
    """Whether a partner has validated data from an earlier run that stays in use."""
    from pipelines.validated import validated_path

    return validated_path(settings, partner, "persons").exists()


def run_pipeline(
    partners: list[str] | None = None,
    instance: dg.DagsterInstance | None = None,
    settings: Settings | None = None,
    on_phase: Callable[[str], None] | None = None,
) -> RunSummary:
    """Extract and validate ``partners`` (default all), then link and publish everything."""
    from pipelines.catalog import load_catalog

    settings = settings or get_settings()
    private_dir(settings.home)  # 0700: also shields files an older hub left readable
    configured = [p.key for p in load_catalog(settings)]
    chosen = partners or configured
    defs = load_definitions()
    own_instance = instance is None
    instance = instance or open_instance(settings)
    try:
        if on_phase:
            on_phase(f"extracting and validating {len(chosen)} partners")
        ingest = defs.resolve_job_def(INGEST_JOB).execute_in_process(
            run_config=QUIET_LOGS,
            instance=instance,
            raise_on_error=False,
            asset_selection=[k for p in chosen for k in (extracted_key(p), staged_key(p))],
            tags={"hub/trigger": "hub run"},
        )
        from pipelines.memory import release_memory

        release_memory()
        summary = RunSummary(
            ingest_run_id=ingest.run_id,
            publish_run_id=None,
            partners=[_partner_summary(ingest, p) for p in chosen],
        )
        validated_now = any(p.status in ("ok", "blocked") and not p.verdicts_reused_from
                            for p in summary.partners)
        if validated_now and settings.data_docs.exists():
            from expectations.data_docs import build_index

            build_index(settings.data_docs)  # once for every partner validated above
        if not _anything_validated(settings, configured):
            # Publishing now would switch on an empty version: say so instead.
            summary.publish_error = ("nothing published: no partner has validated data yet, "
                                     "so there is no earlier data to keep either")
            return summary
        if on_phase:
            on_phase("linking and publishing")
        publish = defs.resolve_job_def(PUBLISH_JOB).execute_in_process(
            run_config=QUIET_LOGS,
            instance=instance,
            raise_on_error=False,
            asset_selection=list(REGISTRATION_KEYS),
            tags={"hub/trigger": "hub run", "hub/ingest_run": ingest.run_id},
        )
        summary.publish_run_id = publish.run_id
        summary.step_seconds = {**step_seconds(instance, ingest.run_id),
                                **step_seconds(instance, publish.run_id)}
        summary.linking = _metadata(publish, LINKED_PERSONS)
        summary.checks = {
            c.check_name: {"passed": c.passed, **{k: v.value for k, v in c.metadata.items()}}
            for c in publish.get_asset_check_evaluations()
        }
        summary.published = _metadata(publish, MERGED_REGISTRATION)
        if not publish.success:
            failed = [
                f"{e.step_key}: {_first_line(e)}" for e in publish.get_step_failure_events()
            ]
            checks = [c.check_name for c in publish.get_asset_check_evaluations() if not c.passed]
            summary.publish_error = (
                f"not published: {'; '.join(failed) or '-'}"
                + (f"; failed checks {', '.join(checks)}" if checks else "")
            )
        return summary
    finally:
        if own_instance:
            instance.dispose()

