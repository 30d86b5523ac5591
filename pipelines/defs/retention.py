"""Retention: every day, erase what has passed its term (``hub.store.retention``), on time.

The job runs one step: decide as of today what has expired (per partner and case type, as
``partners.yaml`` configures) and erase it through the existing erasure, from staging, quarantine,
every store version and the snapshots. With ``dry_run`` it only lists what would go. The step's
metadata and the store's run history hold counts per partner and case type, never ids or values.

The schedule starts running only where ``HUB_AUTOMATION=on`` (production), like the nightly run:
in development a clock-driven erasure of someone's test data would be a surprise.
"""

from datetime import date
from typing import TYPE_CHECKING

import dagster as dg

from pipelines.automation import schedule_status
from pipelines.resources import HubResource

if TYPE_CHECKING:
    from hub.store.retention import ExpiredRow

RETENTION_JOB = "apply_retention"
RETENTION_CRON = "0 5 * * *"
TIMEZONE = "Europe/Amsterdam"


class RetentionConfig(dg.Config):
    dry_run: bool = False
    """List what has expired without erasing anything."""
    as_of: str = ""
    """Decide as of this date (YYYY-MM-DD); empty: today."""


@dg.op(name="erase_expired", description="Erase every case and person record past its term.")
def erase_expired(context: dg.OpExecutionContext, config: RetentionConfig,
                  hub: HubResource) -> dg.Output[dict]:
    from connectors.config import load_config
    from hub.store import retention
    from hub.store.engine import open_store
    from pipelines.erasure import erase_everywhere

    settings = hub.settings()
    policies = {k: p.retention for k, p in load_config(settings).partners.items()}
    as_of = date.fromisoformat(config.as_of) if config.as_of else None
    engine = open_store(settings.store_url)
    try:
        if config.dry_run:
            decided, run_id = retention.plan(engine, policies, as_of), None
        else:
            applied = retention.apply(settings, engine, policies, erase_everywhere, as_of)
            decided, run_id = applied.plan, applied.run_id
    finally:
        engine.dispose()
    rows = decided.summary()
    summary = {"as_of": decided.as_of.isoformat(), "dry_run": config.dry_run,
               "run_id": run_id, "expired": rows}
    context.log.info(f"retention as of {decided.as_of}: {len(rows)} partner/case-type groups "
                     f"{'would be' if config.dry_run else 'were'} erased")
    return dg.Output(summary, metadata={
        "as_of": decided.as_of.isoformat(),
        "dry_run": config.dry_run,
        "cases": sum(int(r["cases"]) for r in rows),
        "person_records": sum(int(r["records"]) for r in rows),
        "per_partner_and_case_type": dg.MetadataValue.md(_table(rows)),
    })


def _table(rows: list["ExpiredRow"]) -> str:
    lines = ["| partner | case type | cases | records |", "|---|---|---|---|"]
    lines += [f"| {r['partner']} | {r['case_type']} | {r['cases']} | {r['records']} |"
              for r in rows]
    return "\n".join(lines) if rows else "nothing expired"


@dg.job(name=RETENTION_JOB, description="Erase what has passed its retention term.",
        tags={"hub/phase": "retention"})
def apply_retention() -> None:
    erase_expired()


retention_daily = dg.ScheduleDefinition(
    name="retention_daily",
    cron_schedule=RETENTION_CRON,
    execution_timezone=TIMEZONE,
    job=apply_retention,
    default_status=schedule_status(),
    description="Every day at 05:00 (Europe/Amsterdam), after the nightly run: erase what has "
                "passed its term. Off unless HUB_AUTOMATION=on.",
    tags={"hub/trigger": "retention"},
)

defs = dg.Definitions(jobs=[apply_retention], schedules=[retention_daily])
