"""The definitions as the UI loads them, the nightly schedule and the sensors."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from pipelines.defs.jobs import INGEST_JOB, PUBLISH_JOB
from pipelines.keys import (
    HOUSEHOLD_SUMMARY,
    LINKED_PERSONS,
    MERGED_REGISTRATION,
    REGISTRATION_KEYS,
    extracted_key,
    staged_key,
)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
PARTNERS = ("veilig_thuis", "rvdk", "blijf_groep", "jbra", "wss", "ldh", "jgb")


@pytest.fixture
def defs(demo_home: Path) -> dg.Definitions:
    from pipelines.definitions import defs as build

    definitions = build()
    dg.Definitions.validate_loadable(definitions)
    return definitions


def test_every_configured_partner_gets_its_assets_and_checks(defs: dg.Definitions) -> None:
    graph = defs.resolve_asset_graph()
    for partner in PARTNERS:
        extracted = graph.get(extracted_key(partner))
        staged = graph.get(staged_key(partner))
        assert extracted.group_name == staged.group_name == partner
        assert extracted.owners and extracted.description and extracted.kinds
        assert extracted.pools == {f"source_{partner}"}
        assert extracted_key(partner) in staged.parent_keys
        assert staged_key(partner) in graph.get(LINKED_PERSONS).parent_keys
        checks = {c.name for c in graph.get_check_keys_for_assets({staged_key(partner)})}
        assert {"persons_blocking_rules", "registrations_blocking_rules"} <= checks
    assert graph.get(MERGED_REGISTRATION).parent_keys == {LINKED_PERSONS, HOUSEHOLD_SUMMARY}
    merged_checks = graph.get_check_keys_for_assets({HOUSEHOLD_SUMMARY})
    assert any(c.name == "merged_output_valid" for c in merged_checks)
    metadata = graph.get(MERGED_REGISTRATION).metadata
    assert "dagster/column_schema" in metadata and "dagster/column_lineage" in metadata


def test_extraction_retries_with_backoff_and_jitter(defs: dg.Definitions) -> None:
    policy = defs.resolve_assets_def(extracted_key("jbra")).node_def.retry_policy
    assert policy.max_retries >= 1
    assert policy.backoff == dg.Backoff.EXPONENTIAL
    assert policy.jitter == dg.Jitter.PLUS_MINUS


def test_nightly_schedule_starts_the_ingest_job(defs: dg.Definitions) -> None:
    schedule = defs.resolve_schedule_def("nightly_full_run")
    assert schedule.cron_schedule == "0 2 * * *"
    assert schedule.execution_timezone == "Europe/Amsterdam"
    assert schedule.job_name == INGEST_JOB
    with dg.instance_for_test() as instance:
        context = dg.build_schedule_context(
            instance=instance,
            scheduled_execution_time=datetime(2026, 11, 23, 2, 0, tzinfo=AMSTERDAM),
        )
        result = schedule.evaluate_tick(context)
    assert len(result.run_requests) == 1
    assert result.run_requests[0].tags["hub/trigger"] == "nightly"


def test_drop_folder_sensor_runs_a_new_file_once(defs: dg.Definitions, demo_home: Path) -> None:
    sensor = defs.resolve_sensor_def("partner_drop_folders")
    inbox = demo_home / "partners" / "veilig_thuis" / "inbox"
    assert any(inbox.iterdir()), "the demo delivers Veilig Thuis files into its inbox"
    with dg.instance_for_test() as instance:
        first = sensor(dg.build_sensor_context(instance=instance, cursor=None))
        requested = {r.tags["hub/partner"]: r for r in first.run_requests}
        assert "veilig_thuis" in requested and "rvdk" not in requested  # sql has no drop folder
        assert set(requested["veilig_thuis"].asset_selection) == {
            extracted_key("veilig_thuis"), staged_key("veilig_thuis"), *REGISTRATION_KEYS}

        again = sensor(dg.build_sensor_context(instance=instance, cursor=first.cursor))
        assert again.run_requests == []

        (inbox / "meldingen_extra.csv").write_text("x;y\n1;2\n", encoding="cp1252")
        third = sensor(dg.build_sensor_context(instance=instance, cursor=again.cursor))
        assert [r.tags["hub/partner"] for r in third.run_requests] == ["veilig_thuis"]
        assert third.run_requests[0].run_key != requested["veilig_thuis"].run_key


@pytest.mark.parametrize("name", ["publish_after_ingest", "publish_after_partial_ingest"])
def test_end_of_ingest_starts_publishing(defs: dg.Definitions, name: str) -> None:
    sensor = defs.resolve_sensor_def(name)
    assert sensor.job_name == PUBLISH_JOB

    @dg.op
    def ingest_stand_in() -> None:
        return None

    @dg.job(name=INGEST_JOB)
    def stand_in() -> None:
        ingest_stand_in()

    with dg.instance_for_test() as instance:
        result = stand_in.execute_in_process(instance=instance)
        event = result.get_run_success_event()
        context = dg.build_run_status_sensor_context(
            sensor_name=name, dagster_event=event, dagster_instance=instance,
            dagster_run=result.dagster_run,
        )
        request = sensor(context)
    assert request.run_key == f"publish-after-{result.run_id}"
    assert request.tags["hub/ingest_run"] == result.run_id


@pytest.mark.parametrize(("setting", "running"), [(None, False), ("on", True), ("off", False)])
def test_schedule_and_sensors_start_only_where_automation_is_on(
        monkeypatch: pytest.MonkeyPatch, setting: str | None, running: bool) -> None:
    """Development (no HUB_AUTOMATION) starts them stopped; production sets HUB_AUTOMATION=on."""
    from pipelines.automation import schedule_status, sensor_status

    if setting is None:
        monkeypatch.delenv("HUB_AUTOMATION", raising=False)
    else:
        monkeypatch.setenv("HUB_AUTOMATION", setting)
    assert (schedule_status() == dg.DefaultScheduleStatus.RUNNING) is running
    assert (sensor_status() == dg.DefaultSensorStatus.RUNNING) is running


def test_the_loaded_definitions_start_stopped_in_development(defs: dg.Definitions) -> None:
    import os

    if os.environ.get("HUB_AUTOMATION"):
        pytest.skip("HUB_AUTOMATION is set in this environment")
    schedule = defs.get_schedule_def("nightly_full_run")
    assert schedule.default_status == dg.DefaultScheduleStatus.STOPPED
    for sensor in defs.sensors:
        assert sensor.default_status == dg.DefaultSensorStatus.STOPPED, sensor.name


def _publish_a_version() -> None:
    """A published (empty) version in the home's store, as a full run leaves one."""
    from datetime import UTC

    from foundation.settings import get_settings
    from hub.store.engine import open_store
    from schemas import store as s

    engine = open_store(get_settings().store_url)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(s.versions.insert().values(version_id=1, run_id="full", status="published",
                                                created_at=now, published_at=now))
        conn.execute(s.published_version.insert().values(id=1, version_id=1, published_at=now))
    engine.dispose()


def test_drop_folder_sensor_takes_the_incremental_path_once_a_version_is_published(
        defs: dg.Definitions, demo_home: Path) -> None:
    from pipelines.keys import increment_key

    sensor = defs.resolve_sensor_def("partner_drop_folders")
    _publish_a_version()
    with dg.instance_for_test() as instance:
        result = sensor(dg.build_sensor_context(instance=instance, cursor=None))
    request = {r.tags["hub/partner"]: r for r in result.run_requests}["veilig_thuis"]
    assert set(request.asset_selection) == {
        extracted_key("veilig_thuis"), staged_key("veilig_thuis"), increment_key("veilig_thuis")}
    assert request.tags["hub/path"] == "increment"
    graph = defs.resolve_asset_graph()
    assert graph.get(increment_key("veilig_thuis")).group_name == "increment"
    for job in (INGEST_JOB, PUBLISH_JOB):  # the nightly full run stays a full re-link
        selected = defs.resolve_job_def(job).asset_layer.selected_asset_keys
        assert increment_key("veilig_thuis") not in selected


@pytest.mark.parametrize(("outcome", "requested"), [("full_run", True), ("published", False)])
def test_a_delivery_left_to_the_full_run_starts_publishing(
        defs: dg.Definitions, outcome: str, requested: bool) -> None:
    from pipelines.keys import increment_key

    sensor = defs.resolve_sensor_def("full_run_after_large_delivery")
    key = increment_key("veilig_thuis")
    with dg.instance_for_test() as instance:
        instance.report_runless_asset_event(dg.AssetMaterialization(
            asset_key=key, metadata={"outcome": outcome, "new_records": 5000}))
        context = dg.build_multi_asset_sensor_context(
            monitored_assets=[increment_key(p) for p in PARTNERS], instance=instance,
            definitions=defs)
        requests = list(sensor(context) or [])
    assert sensor.job_name == PUBLISH_JOB
    assert len(requests) == int(requested)
    if requested:
        assert requests[0].tags["hub/trigger"] == "large_delivery"
