"""The monitor assets run downstream of the merged registration and publish aggregates only."""

import re
from pathlib import Path

import dagster as dg
import pandas as pd
import storefakes as fakes
from store_linking import link_and_publish

from hub.store.engine import open_store
from pipelines.defs.monitor import fixed_guides, proeftuin_monitor
from pipelines.keys import MERGED_REGISTRATION, PROEFTUIN_MONITOR
from pipelines.resources import HubResource

ID_LIKE = re.compile(r"\b[HP]-[A-Z0-9]{10}\b")


def test_monitor_assets_write_protected_tables_and_trend_metadata(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store' / 'hub.sqlite'}"
    engine = open_store(url)
    persons = fakes.persons_frame(fakes.people(40))
    link_and_publish(engine, "run-1", persons, fakes.registrations_frame(persons))
    engine.dispose()

    with dg.instance_for_test() as instance:
        result = dg.materialize([fixed_guides, proeftuin_monitor], instance=instance,
                                resources={"hub": HubResource(home=str(tmp_path),
                                                              store_url=url)})
    assert result.success
    [event] = [e for e in result.get_asset_materialization_events()
               if e.asset_key == PROEFTUIN_MONITOR]
    metadata = event.materialization.metadata
    trends = metadata["trends"].value
    assert "Households involved" in trends and "|" in trends
    assert not ID_LIKE.search(str({k: v.value for k, v in metadata.items()}))
    table = pd.read_parquet(tmp_path / "monitor" / "monitor.parquet")
    assert not ID_LIKE.search(table.to_csv())
    shown = table[(table["status"] == "shown") & table["indicator"].isin(
        ["households", "measures", "handovers", "repeat_reports"])]
    assert not shown["value"].between(1, 4).any()
    csv = (tmp_path / "monitor" / "monitor.csv").read_text(encoding="utf-8-sig")
    assert csv.splitlines()[0] == "month,municipality,indicator,value,display,status"


def test_monitor_is_downstream_of_the_merged_registration_in_the_publish_job() -> None:
    from pipelines.definitions import defs
    from pipelines.defs.jobs import INGEST_JOB, PUBLISH_JOB

    definitions = defs()
    graph = definitions.resolve_asset_graph()
    assert MERGED_REGISTRATION in graph.get(PROEFTUIN_MONITOR).parent_keys
    publish = definitions.resolve_job_def(PUBLISH_JOB)
    ingest = definitions.resolve_job_def(INGEST_JOB)
    assert PROEFTUIN_MONITOR in publish.asset_layer.executable_asset_keys
    assert PROEFTUIN_MONITOR not in ingest.asset_layer.executable_asset_keys
