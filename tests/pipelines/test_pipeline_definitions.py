"""All Dagster definitions load, and the asset graph is the one recorded in asset_graph.json.

A renamed asset, a lost dependency or a check moved to another asset changes the snapshot; when
the change is meant, regenerate it with ``HUB_UPDATE_SNAPSHOT=1 pytest <this file>`` and commit
the new file with the change.
"""

import json
import os
from pathlib import Path
from typing import Any

import dagster as dg
import pytest

from foundation.settings import PROJECT_ROOT

SNAPSHOT = Path(__file__).with_name("asset_graph.json")


def graph_of(defs: dg.Definitions) -> dict[str, Any]:
    """Asset keys with their upstream keys and checks, the jobs, schedules and sensors."""
    graph = defs.resolve_asset_graph()
    assets = {}
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        assets[key.to_user_string()] = {
            "deps": sorted(p.to_user_string() for p in node.parent_keys),
            "checks": sorted(c.name for c in node.check_keys),
        }
    return {
        "assets": assets,
        "jobs": sorted(j.name for j in defs.resolve_all_job_defs()
                       if not j.name.startswith("__")),
        "schedules": sorted(s.name for s in defs.schedules or []),
        "sensors": sorted(s.name for s in defs.sensors or []),
    }


@pytest.fixture
def defs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dg.Definitions:
    """The code location's definitions over the shipped partner configuration."""
    monkeypatch.setenv("HUB_HOME", str(tmp_path))
    monkeypatch.setenv("HUB_PARTNERS_CONFIG", str(PROJECT_ROOT / "connectors" / "partners.yaml"))
    from pipelines.definitions import defs as load

    loaded = load()
    dg.Definitions.validate_loadable(loaded)
    return loaded


def test_the_asset_graph_is_the_recorded_one(defs: dg.Definitions) -> None:
    graph = graph_of(defs)
    if os.environ.get("HUB_UPDATE_SNAPSHOT") == "1":
        SNAPSHOT.write_text(json.dumps(graph, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    assert graph == json.loads(SNAPSHOT.read_text(encoding="utf-8"))
