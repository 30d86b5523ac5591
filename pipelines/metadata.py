"""Pure helpers that turn counts, match results and schemas into Dagster metadata.

Kept apart from the assets so they are tested without running Dagster. No helper here ever
receives a personal value: only counts, weights, column names and partner keys.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import dagster as dg
import numpy as np
import pandas as pd
import pyarrow as pa
import sqlalchemy as sa

from matching.config import WEIGHT_BIN_EDGES


def weight_histogram(weights: Iterable[float]) -> pd.DataFrame:
    """Count match weights per bin: columns ``bin`` (a readable range) and ``pairs``."""
    values = pd.to_numeric(pd.Series(list(weights), dtype="float64"), errors="coerce").dropna()
    counts, _ = np.histogram(values.to_numpy(), bins=np.array(WEIGHT_BIN_EDGES))
    labels = []
    for low, high in zip(WEIGHT_BIN_EDGES[:-1], WEIGHT_BIN_EDGES[1:], strict=True):
        if np.isinf(low):
            labels.append(f"< {high:g}")
        elif np.isinf(high):
            labels.append(f">= {low:g}")
        else:
            labels.append(f"{low:g} to {high:g}")
    return pd.DataFrame({"bin": labels, "pairs": counts.astype("int64")})


def histogram_markdown(histogram: pd.DataFrame, width: int = 30,
                       thresholds: Mapping[str, float] | None = None) -> str:
    """A Markdown table with a text bar per bin, readable in the Dagster UI and in a terminal.

    Bars are on a log scale (``log10(1 + pairs)``): the few uncertain pairs stay visible next to
    the many clear ones. ``thresholds`` (name -> weight) are marked on the bin holding them.
    """
    peak = np.log10(1 + max(int(histogram["pairs"].max()) if len(histogram) else 0, 1))
    lines = ["| match weight | pairs | log scale |", "|---|---:|:---|"]
    for i, (label, pairs) in enumerate(zip(histogram["bin"], histogram["pairs"], strict=True)):
        bar = "#" * round(width * np.log10(1 + int(pairs)) / peak)
        low, high = WEIGHT_BIN_EDGES[i], WEIGHT_BIN_EDGES[i + 1]
        marks = [f"<- {name} from {value:g}" for name, value in (thresholds or {}).items()
                 if low <= value < high]
        lines.append(f"| {label} | {int(pairs)} | {' '.join([bar, *marks]).strip()} |")
    return "\n".join(lines)


def counts_metadata(counts: Mapping[str, Mapping[str, int]]) -> dict[str, Any]:
    """Flatten per-dataset extraction counts and state whether they reconcile.

    ``counts`` is ``{dataset: {read, staged, quarantined, out_of_scope}}`` as the connectors
    return it; reconciled means read == staged + quarantined + out_of_scope for every dataset.
    """
    metadata: dict[str, Any] = {}
    reconciled = True
    for dataset, row in sorted(counts.items()):
        for name in ("read", "staged", "quarantined", "out_of_scope"):
            metadata[f"{dataset}_{name}"] = int(row.get(name, 0))
        ok = int(row.get("read", 0)) == (
            int(row.get("staged", 0)) + int(row.get("quarantined", 0))
            + int(row.get("out_of_scope", 0))
        )
        reconciled = reconciled and ok
    metadata["reconciled"] = reconciled
    return metadata


def freshness_markdown(freshness: pd.DataFrame, now: datetime) -> str:
    """Per partner: last good extract, its age, and whether this run refreshed it."""
    lines = ["| partner | last good extract (UTC) | age | this run |", "|---|---|---:|---|"]
    for row in freshness.itertuples(index=False):
        if pd.isna(row.last_good_extract):
            lines.append(f"| {row.partner} | never | - | {row.status} |")
            continue
        age = now - pd.Timestamp(row.last_good_extract).to_pydatetime()
        lines.append(
            f"| {row.partner} | {pd.Timestamp(row.last_good_extract):%Y-%m-%d %H:%M} "
            f"| {format_age(age.total_seconds())} | {row.status} |"
        )
    return "\n".join(lines)


def format_age(seconds: float) -> str:
    """A short human age: 45 s, 12 min, 3.5 h, 2.0 d."""
    if seconds < 90:
        return f"{max(seconds, 0):.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


def arrow_table_schema(schema: pa.Schema, skip: Sequence[str] = ()) -> dg.TableSchema:
    """``dagster/column_schema`` from a pyarrow schema, with the field docs as descriptions."""
    columns = []
    for field in schema:
        if field.name in skip:
            continue
        doc = (field.metadata or {}).get(b"doc", b"").decode()
        columns.append(
            dg.TableColumn(
                name=field.name,
                type=str(field.type),
                description=doc or None,
                constraints=dg.TableColumnConstraints(nullable=field.nullable),
            )
        )
    return dg.TableSchema(columns=columns)


def column_lineage(
    columns: Mapping[str, Sequence[str]], upstream: Sequence[dg.AssetKey]
) -> dg.TableColumnLineage:
    """``dagster/column_lineage``: each published column comes from columns of every upstream.

    ``columns`` maps a published column to the canonical staging columns it is built from; every
    partner's staging contributes, so each dependency is listed once per upstream asset.
    """
    deps_by_column = {
        published: [
            dg.TableColumnDep(asset_key=key, column_name=source)
            for key in upstream
            for source in sources
        ]
        for published, sources in columns.items()
        if sources
    }
    return dg.TableColumnLineage(deps_by_column=deps_by_column)


def sqlalchemy_table_schema(
    table: sa.Table, skip: Sequence[str] = ("version_id",)
) -> dg.TableSchema:
    """``dagster/column_schema`` of a published store table, with its column comments."""
    return dg.TableSchema(
        columns=[
            dg.TableColumn(
                name=column.name,
                type=str(column.type),
                description=column.comment or None,
                constraints=dg.TableColumnConstraints(nullable=bool(column.nullable)),
            )
            for column in table.columns
            if column.name not in skip
        ]
    )
