"""Sensors: a new delivery in a drop folder starts that partner's run, and the end of an ingest
run (success or failure) starts publishing."""

import dagster as dg

from pipelines.automation import sensor_status
from pipelines.catalog import load_catalog
from pipelines.defs.jobs import ingest_partners, publish_registration
from pipelines.drops import scan_drop_folders
from pipelines.keys import REGISTRATION_KEYS, extracted_key, staged_key


@dg.sensor(
    name="partner_drop_folders",
    minimum_interval_seconds=60,
    target=dg.AssetSelection.all(),
    default_status=sensor_status(),
    description=(
        "Watches the inbox of every file-delivering partner. A new or re-delivered file starts a "
        "run for that partner and everything downstream of it, once per file."
    ),
)
def partner_drop_folders(context: dg.SensorEvaluationContext) -> dg.SensorResult:
    folders = {p.key: p.drop_folder for p in load_catalog() if p.drop_folder is not None}
    scan = scan_drop_folders(folders, context.cursor)
    requests = [
        dg.RunRequest(
            run_key=scan.run_key(partner),
            asset_selection=[extracted_key(partner), staged_key(partner), *REGISTRATION_KEYS],
            tags={"hub/trigger": "drop_folder", "hub/partner": partner},
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


defs = dg.Definitions(
    sensors=[partner_drop_folders, publish_after_ingest, publish_after_partial_ingest]
)
