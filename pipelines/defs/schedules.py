"""The nightly full run: extract and validate every partner at 02:00 Amsterdam time; the
``publish_after_ingest`` sensors then link and publish."""

import dagster as dg

from pipelines.automation import schedule_status
from pipelines.defs.jobs import ingest_partners

NIGHTLY_CRON = "0 2 * * *"
TIMEZONE = "Europe/Amsterdam"

nightly_full_run = dg.ScheduleDefinition(
    name="nightly_full_run",
    cron_schedule=NIGHTLY_CRON,
    execution_timezone=TIMEZONE,
    job=ingest_partners,
    default_status=schedule_status(),
    description=(
        "Every night at 02:00 (Europe/Amsterdam): read all partners; publishing follows when the "
        "ingest run ends, also if a partner failed."
    ),
    tags={"hub/trigger": "nightly"},
)

defs = dg.Definitions(schedules=[nightly_full_run])
