"""The steward overview: pictures of match quality and data quality, drawn server-side as SVG.

Each picture is plain geometry (percent coordinates) for a template to draw, with the numbers
kept next to it for a table, so the page works offline, without scripts, and for screen readers.
"""

from collections import defaultdict
from datetime import datetime
from typing import Any, TypedDict

import numpy as np

from matching.config import WEIGHT_BIN_EDGES, LinkConfig

AGE_BUCKETS = ((0, 7, "0-7"), (8, 30, "8-30"), (31, 90, "31-90"), (91, None, "> 90"))
"""Days an open review group has been waiting."""


class AgePart(TypedDict):
    """One reason's stretch of an age bucket's stacked bar (percent of the largest bucket)."""

    reason: str
    x: float
    width: float
    tone: int
    count: int


class AgeBucket(TypedDict):
    label: str
    counts: dict[str, int]
    total: int
    parts: list[AgePart]


def weight_histogram(weights: list[float], config: LinkConfig | None = None) -> dict[str, Any]:
    """Bins with counts and bar heights on a log scale (``log10(1 + n)``), and where the
    review and automatic-match thresholds fall (percent of the width)."""
    config = config or LinkConfig()
    edges = np.array(WEIGHT_BIN_EDGES)
    counts, _ = np.histogram(np.asarray(weights, dtype="float64"), bins=edges)
    peak = np.log10(1 + max(int(counts.max()) if counts.size else 0, 1))
    n = len(counts)
    bins = []
    for i, c in enumerate(counts.tolist()):
        low, high = edges[i], edges[i + 1]
        label = (f"< {high:g}" if np.isinf(low) else f"≥ {low:g}" if np.isinf(high)
                 else f"{low:g} – {high:g}")
        bins.append({"label": label, "count": int(c), "x": round(100 * i / n, 2),
                     "width": round(100 / n, 2),
                     "height": round(100 * np.log10(1 + c) / peak, 2)})

    def position(value: float) -> float:
        inner = edges[1:-1]
        i = int(np.searchsorted(inner, value, side="right"))  # bin index of value
        if i in (0, n - 1):
            return round(100 * (i + 0.5) / n, 2)
        low, high = edges[i], edges[i + 1]
        return round(100 * (i + (value - low) / (high - low)) / n, 2)

    return {"bins": bins, "total": int(counts.sum()),
            "review": position(config.review_weight), "match": position(config.match_weight),
            "review_weight": config.review_weight, "match_weight": config.match_weight}


def quarantine_shares(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per partner, per run (oldest first): the share of rows read that were quarantined."""
    lanes: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in runs:
        share = row["quarantined"] / row["read"] if row["read"] else None
        lanes[row["source"]].append({**row, "share": share})
    out = []
    for source, points in sorted(lanes.items()):
        n = len(points)
        for i, p in enumerate(points):
            p.update(x=round(100 * i / n, 2), width=round(100 / n * 0.8, 2),
                     height=round(100 * (p["share"] or 0), 2))
        latest = next((p["share"] for p in reversed(points) if p["share"] is not None), None)
        out.append({"source": source, "points": points, "latest": latest})
    return out


def completeness_lanes(rows: list[dict[str, Any]], fields: tuple[str, ...]) -> list[dict[str, Any]]:
    """Per partner and field, the filled-in share per version (oldest first), as bars."""
    by_source: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_source[row["source"]].append(row)
    out = []
    for source, points in sorted(by_source.items()):
        n = len(points)
        series = []
        for f in fields:
            bars = [{"version": p["version_id"], "share": p[f], "x": round(100 * i / n, 2),
                     "width": round(100 / n * 0.8, 2), "height": round(100 * p[f], 2)}
                    for i, p in enumerate(points)]
            series.append({"field": f, "bars": bars, "latest": points[-1][f]})
        out.append({"source": source, "series": series, "records": points[-1]["records"]})
    return out


def review_ages(items: list[dict[str, Any]], now: datetime) -> dict[str, Any]:
    """Open review pairs counted per age bucket (days since the pair first appeared) and reason,
    with stacked bar widths in percent of the largest bucket."""
    from hub.web.review import age_days

    reasons = sorted({i.get("reason") or "" for i in items})
    buckets: list[AgeBucket] = []
    for low, high, label in AGE_BUCKETS:
        counts = dict.fromkeys(reasons, 0)
        for item in items:
            age = age_days(item.get("first_seen"), now) or 0
            if age >= low and (high is None or age <= high):
                counts[item.get("reason") or ""] += 1
        buckets.append({"label": label, "counts": counts, "total": sum(counts.values()),
                        "parts": []})
    peak = max([b["total"] for b in buckets] + [1])
    for b in buckets:
        x = 0.0
        for i, r in enumerate(reasons):
            w = round(100 * b["counts"][r] / peak, 2)
            if w:
                b["parts"].append({"reason": r, "x": x, "width": w, "tone": i % 5,
                                   "count": b["counts"][r]})
            x = round(x + w, 2)
    return {"buckets": buckets, "reasons": [{"code": r, "tone": i % 5}
                                            for i, r in enumerate(reasons)]}
