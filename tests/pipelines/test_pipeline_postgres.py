"""The same graph with the merged store on PostgreSQL: publish, then an unchanged re-run."""

from pathlib import Path

import dagster as dg
import pytest

from pipelines.runner import run_pipeline

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def test_graph_publishes_into_postgres_and_reruns_unchanged(
    demo_home: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hub.store.engine import open_store
    from hub.store.ids import previous_assignments

    monkeypatch.setenv("HUB_STORE_URL", pg_url)
    instance = dg.DagsterInstance.ephemeral()
    first = run_pipeline(instance=instance)
    assert first.ok, (first.publish_error, [(p.partner, p.error) for p in first.partners])
    assert first.published["status"] == "published"
    assert first.published["store"].startswith("postgresql+psycopg2://")
    engine = open_store(pg_url)
    try:
        before = previous_assignments(engine)
        again = run_pipeline(instance=instance)
        after = previous_assignments(engine)
    finally:
        engine.dispose()
        instance.dispose()
    assert len(before) == first.published["source_records"] > 0
    assert again.published["status"] == "unchanged"
    assert again.published["version_id"] == first.published["version_id"]
    assert before.equals(after)
