"""Sensors: a new delivery in a drop folder starts that partner's run, and the end of an ingest
run (success or failure) starts publishing.

Once a full run has published a version, a delivery takes the incremental path (extract,
validate, ``<partner>/increment``: published within seconds); before that, the full path. A
delivery the increment leaves to the full run (too large) starts the publish job."""

import dagster as dg

from foundation.settings import get_settings
from pipelines.automation import sensor_status
from pipelines.catalog import load_catalog
from pipelines.defs.increment import OUTCOME
from pipelines.defs.jobs import ingest_partners, publish_registration
from pipelines.drops import scan_drop_folders
from pipelines.increment import FULL_RUN
from pipelines.keys import REGISTRATION_KEYS, extracted_key, increment_key, staged_key
from pipelines.store_io import has_published_version

DROP_FOLDER_SECONDS = 15
"""How often the drop folders are looked at: a repeat report is published within seconds of its
run starting, so a minute of waiting for the sensor would be most of the delay; a look is a
directory listing and a hash of each new file."""


@dg.sensor(
    name="partner_drop_folders",
    minimum_interval_seconds=DROP_FOLDER_SECONDS,
    target=dg.AssetSelection.all(),
    default_status=sensor_status(),
    description=(
        "Watches the inbox of every file-delivering partner. A new or re-delivered file starts a "
        "run for that partner, once per file: read, validate and publish its new records "
        "incrementally when a registration is published, else link and publish in full."
    ),
)
def partner_drop_folders(context: dg.SensorEvaluationContext) -> dg.SensorResult:
    folders = {p.key: p.drop_folder for p in load_catalog() if p.drop_folder is not None}
    scan = scan_drop_folders(folders, context.cursor)
    incremental = bool(scan.new_files) and has_published_version(get_settings())
    requests = [
        dg.RunRequest(
            run_key=scan.run_key(partner),
            asset_selection=[extracted_key(partner), staged_key(partner),
                             *([increment_key(partner)] if incremental else REGISTRATION_KEYS)],
            tags={"hub/trigger": "drop_folder", "hub/partner": partner,
                  "hub/path": "increment" if incremental else "full"},
        )
        for partner in sorted(scan.new_files)
    ]
    return dg.SensorResult(run_requests=requests, cursor=scan.cursor)


def _publish_request(context: dg.RunStatusSensorContext) -> dg.RunRequest:
    return dg.RunRequest(
        run_key=f"publish-after-{context.dagster_run.run_id}",
        tags={"hub/trigger": "after_ingest", "hub/ingest_run": context.dagster_run.run_id},
    )


@dg.run_status_sensor(
    name="publish_after_ingest",
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=[ingest_partners],
    request_job=publish_registration,
    default_status=sensor_status(),
    description="When every partner was read: link and publish.",
)
def publish_after_ingest(context: dg.RunStatusSensorContext) -> dg.RunRequest:
    return _publish_request(context)


@dg.run_status_sensor(
    name="publish_after_partial_ingest",
    run_status=dg.DagsterRunStatus.FAILURE,
    monitored_jobs=[ingest_partners],
    request_job=publish_registration,
    default_status=sensor_status(),
    description=(
        "When some partner failed: link and publish anyway, with that partner's last good data "
        "(its age shows in the published registration)."
    ),
)
def publish_after_partial_ingest(context: dg.RunStatusSensorContext) -> dg.RunRequest:
    return _publish_request(context)


@dg.multi_asset_sensor(
    name="full_run_after_large_delivery",
    monitored_assets=[increment_key(p.key) for p in load_catalog()],
    job=publish_registration,
    default_status=sensor_status(),
    description="A delivery the incremental path left to the full run (too large): link and "
                "publish everything now instead of waiting for the night.",
)
def full_run_after_large_delivery(context: dg.MultiAssetSensorEvaluationContext
                                  ) -> list[dg.RunRequest]:
    requests = []
    for key, record in context.latest_materialization_records_by_key().items():
        if record is None:
            continue
        event = record.event_log_entry
        materialization = event.asset_materialization
        outcome = materialization.metadata.get(OUTCOME) if materialization else None
        if outcome is not None and outcome.value == FULL_RUN:
            requests.append(dg.RunRequest(
                run_key=f"full-after-{event.run_id}",
                tags={"hub/trigger": "large_delivery", "hub/partner": key.path[0]}))
    context.advance_all_cursors()
    return requests


defs = dg.Definitions(
    sensors=[partner_drop_folders, publish_after_ingest, publish_after_partial_ingest,
             full_run_after_large_delivery]
)
