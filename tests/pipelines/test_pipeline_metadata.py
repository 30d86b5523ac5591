"""Metadata helpers: histogram, reconciliation, freshness, schemas for the Dagster UI."""

from datetime import UTC, datetime, timedelta

import dagster as dg
import pandas as pd

from pipelines.metadata import (
    arrow_table_schema,
    column_lineage,
    counts_metadata,
    format_age,
    freshness_markdown,
    histogram_markdown,
    weight_histogram,
)
from schemas.canonical import PERSON_SCHEMA


def test_weight_histogram_counts_every_weight_once() -> None:
    weights = [-30.0, -1.0, 0.5, 3.0, 3.5, 12.0, 40.0, float("nan")]
    histogram = weight_histogram(weights)
    assert histogram["pairs"].sum() == 7
    assert histogram.set_index("bin").loc["2 to 4", "pairs"] == 2
    assert histogram.set_index("bin").loc["< -10", "pairs"] == 1
    table = histogram_markdown(histogram)
    assert table.splitlines()[0].startswith("| match weight | pairs |")
    assert "| >= 20 | 1 |" in table


def test_histogram_has_even_bins_a_log_scale_and_the_thresholds() -> None:
    histogram = weight_histogram([5.0] * 999 + [-1.0])
    inner = histogram["bin"].tolist()[1:-1]
    widths = {float(b.split(" to ")[1]) - float(b.split(" to ")[0]) for b in inner}
    assert widths == {2.0}
    table = histogram_markdown(histogram, width=30,
                               thresholds={"review": -2.0, "automatic match": 4.0})
    rows = {line.split("|")[1].strip(): line for line in table.splitlines()[2:]}
    assert rows["4 to 6"].count("#") == 30 and rows["-2 to 0"].count("#") == 3  # log10(2)/3
    assert "<- review from -2" in rows["-2 to 0"]
    assert "<- automatic match from 4" in rows["4 to 6"]


def test_empty_histogram_renders() -> None:
    table = histogram_markdown(weight_histogram([]))
    assert "| < -10 | 0 |  |" in table


def test_counts_reconcile_only_when_every_dataset_adds_up() -> None:
    good = {"persons": {"read": 10, "staged": 7, "quarantined": 2, "out_of_scope": 1}}
    assert counts_metadata(good)["reconciled"] is True
    assert counts_metadata(good)["persons_staged"] == 7
    bad = {**good, "registrations": {"read": 5, "staged": 3, "quarantined": 1, "out_of_scope": 0}}
    assert counts_metadata(bad)["reconciled"] is False


def test_freshness_table_shows_age_and_never_extracted() -> None:
    now = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    freshness = pd.DataFrame(
        {
            "partner": ["rvdk", "jbra"],
            "last_good_extract": [pd.Timestamp(now - timedelta(hours=30)), pd.NaT],
            "status": ["failed", "failed"],
        }
    )
    table = freshness_markdown(freshness, now)
    assert "| rvdk | 2026-11-21 06:00 | 30.0 h | failed |" in table
    assert "| jbra | never | - | failed |" in table
    assert format_age(45) == "45 s" and format_age(3 * 86400) == "3.0 d"


def test_column_schema_and_lineage_name_canonical_columns() -> None:
    schema = arrow_table_schema(PERSON_SCHEMA, skip=("content_hash",))
    names = [c.name for c in schema.columns]
    assert "bsn" in names and "content_hash" not in names
    assert next(c for c in schema.columns if c.name == "source").constraints.nullable is False
    upstream = [dg.AssetKey(["rvdk", "staged"]), dg.AssetKey(["jgb", "staged"])]
    lineage = column_lineage({"surname": ["surname"], "person_id": []}, upstream)
    deps = lineage.deps_by_column["surname"]
    assert {d.asset_key for d in deps} == set(upstream)
    assert "person_id" not in lineage.deps_by_column
