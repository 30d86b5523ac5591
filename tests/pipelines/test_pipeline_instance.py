"""The Dagster instance files: local SQLite by default, PostgreSQL as the documented switch."""

import shutil
from pathlib import Path

import dagster as dg
import pytest

from foundation.settings import PROJECT_ROOT


def _asset_defs() -> list[dg.AssetsDefinition]:
    @dg.asset(pool="source_test")
    def tiny() -> dg.MaterializeResult:
        return dg.MaterializeResult(metadata={"dagster/row_count": 3})

    return [tiny]


def test_default_instance_is_local_sqlite_with_limits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(PROJECT_ROOT / "dagster.yaml", tmp_path / "dagster.yaml")
    monkeypatch.chdir(tmp_path)
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        assert type(instance.run_storage).__name__ == "SqliteRunStorage"
        assert instance.telemetry_enabled is False
        config = instance.get_concurrency_config()
        assert config.run_queue_config.max_concurrent_runs == 2
        assert config.pool_config.default_pool_limit == 1
        result = dg.materialize(_asset_defs(), instance=instance)
        assert result.success
    assert (tmp_path / "var" / "dagster" / "history" / "runs.db").exists()


@pytest.mark.postgres
def test_postgres_instance_stores_runs(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(PROJECT_ROOT / "dagster.postgres.yaml", tmp_path / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_PG_URL", pg_url)
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        result = dg.materialize(_asset_defs(), instance=instance)
        assert result.success
        event = instance.get_latest_materialization_event(dg.AssetKey("tiny"))
        assert event is not None
        assert event.asset_materialization.metadata["dagster/row_count"].value == 3
        assert instance.get_run_by_id(result.run_id).is_success
