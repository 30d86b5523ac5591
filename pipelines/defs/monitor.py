"""``fixed_guides`` and ``proeftuin_monitor``: downstream of the merged registration.

After each publish the fixed guides are reconciled with the households (merges move a guide,
splits wait for a steward) and the monitor's indicators are computed, protected (small counts
hidden) and written to ``$HUB_HOME/monitor``. Metadata holds counts and the pilot's trends only:
no person or household id.
"""

import dagster as dg

from pipelines.keys import (
    FIXED_GUIDES,
    MERGED_REGISTRATION,
    MONITOR_GROUP,
    OWNER,
    PROEFTUIN_MONITOR,
    STORE_POOL,
)
from pipelines.resources import HubResource


@dg.asset(
    key=FIXED_GUIDES,
    deps=[MERGED_REGISTRATION],
    group_name=MONITOR_GROUP,
    owners=[OWNER],
    kinds={"python"},
    pool=STORE_POOL,
    description=(
        "Each household's vaste begeleider, registered by the Regional Safety Team, kept in line "
        "with the published households: after a merge the surviving household keeps the guide "
        "(two guides are listed for a steward), after a split a steward decides."
    ),
)
def fixed_guides(context: dg.AssetExecutionContext, hub: HubResource) -> dg.MaterializeResult:
    from hub import guide_actions
    from hub.store import guides
    from hub.store.engine import open_store

    engine = open_store(hub.settings().store_url)
    try:
        done = guide_actions.reconcile(engine)
        current = guides.list_guides(engine)
        conflicts = guides.conflicts(engine)
    finally:
        engine.dispose()
    return dg.MaterializeResult(metadata={
        "dagster/row_count": len(current),
        "households_with_guide": len({g.household_id for g in current}),
        "moved_by_merge": done.moved,
        "pending_after_split": sum(1 for g in current if g.pending == "split"),
        "pending_household_gone": sum(1 for g in current if g.pending == "gone"),
        "conflicts": len(conflicts),
    })


@dg.asset(
    key=PROEFTUIN_MONITOR,
    deps=[MERGED_REGISTRATION, FIXED_GUIDES],
    group_name=MONITOR_GROUP,
    owners=[OWNER],
    kinds={"python", "parquet", "csv"},
    description=(
        "The proeftuin monitor: per month and municipality, households involved, partners and "
        "professionals (faces) per household, hand-overs versus expertise added, protection "
        "measures (OTS, voogdij) per 100 households, days from a Veilig Thuis melding to help, "
        "repeat meldingen and the share of families with a vaste begeleider. Aggregates only; "
        "counts of 1 to 4 read '<5' with secondary suppression (docs/monitor.md)."
    ),
)
def proeftuin_monitor(context: dg.AssetExecutionContext,
                      hub: HubResource) -> dg.MaterializeResult:
    import pandas as pd

    from hub.monitor.export import write
    from hub.monitor.report import MONITOR_COLUMNS, monitor_table, trend_markdown, window
    from hub.monitor.source import read_input
    from hub.store.engine import open_store

    settings = hub.settings()
    engine = open_store(settings.store_url)
    try:
        data = read_input(engine)
    finally:
        engine.dispose()
    first, last = window(None, None, pd.Timestamp.now())
    table = monitor_table(data.cases, data.guides, first, last)
    paths = write(table, settings.home / "monitor")
    hidden = int((table["status"] != "shown").sum())
    return dg.MaterializeResult(metadata={
        "dagster/row_count": len(table),
        "dagster/column_schema": dg.TableSchema(columns=[
            dg.TableColumn(c, "float" if c == "value" else "string") for c in MONITOR_COLUMNS]),
        "version_id": data.version_id,
        "months": f"{first} to {last}",
        "hidden_cells": hidden,
        "trends": dg.MetadataValue.md(trend_markdown(table)),
        "csv": dg.MetadataValue.path(str(paths[0])),
        "parquet": dg.MetadataValue.path(str(paths[1])),
    })


defs = dg.Definitions(assets=[fixed_guides, proeftuin_monitor])
