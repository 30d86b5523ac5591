"""The steward's review by candidate group, the records side by side, and the waterfall.

A candidate group is every record that one open review pair connects to another: deciding one
pair of a family's children changes what the others mean, so they are judged together. The
store keeps pairs, not groups; groups are the connected components of the open pairs' records
(scipy's ``connected_components``), named after their smallest item id so the link is stable
while the queue is.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from matching.config import LinkConfig

ALIGNED_FIELDS = ("name", "birth_date", "sex", "bsn_masked", "address", "role")


def candidate_groups(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Open pairs grouped by connected records; groups in the order of their first pair."""
    if not items:
        return []
    keys = [(i["left_source"], i["left_record_id"]) for i in items] + [
        (i["right_source"], i["right_record_id"]) for i in items]
    codes, uniques = pd.factorize(pd.Series([f"{s}\x1f{r}" for s, r in keys]))
    n = len(items)
    left, right = codes[:n], codes[n:]
    graph = coo_matrix((np.ones(n), (left, right)), shape=(len(uniques), len(uniques)))
    _count, component = connected_components(graph, directed=False)
    groups: dict[int, dict[str, Any]] = {}
    for item, comp in zip(items, component[left], strict=True):
        group = groups.setdefault(int(comp), {"pairs": []})
        group["pairs"].append(item)
    out = []
    for group in groups.values():
        its = group["pairs"]
        records = sorted({(i[f"{s}_source"], i[f"{s}_record_id"]) for i in its
                          for s in ("left", "right")})
        out.append({
            "group_id": min(i["item_id"] for i in its), "pairs": its, "records": records,
            "persons": sorted({i[f"{s}_person_id"] for i in its for s in ("left", "right")
                               if i.get(f"{s}_person_id")}),
            "partners": sorted({s for s, _ in records}),
            "reasons": sorted({i["reason"] for i in its if i.get("reason")}),
            "oldest": min((i["first_seen"] for i in its if i.get("first_seen")), default=None),
        })
    return out


def aligned(records: Sequence[Mapping[str, Any] | None]) -> list[dict[str, Any]]:
    """One row per field with each record's value; ``differs`` marks values unlike the first
    record's (empty values do not count as a difference)."""
    rows = []
    for name in ALIGNED_FIELDS:
        values = [(r or {}).get(name) for r in records]
        base = next((v for v in values if v not in (None, "")), None)
        rows.append({"field": name, "cells": [
            {"value": v, "differs": v not in (None, "") and base is not None and v != base}
            for v in values]})
    return rows


def waterfall(explanation: Any, config: LinkConfig | None = None) -> dict[str, Any] | None:
    """Each field's contribution as steps from the starting point to the total, with the
    thresholds; coordinates in percent of the chart's width."""
    if not isinstance(explanation, dict):
        return None
    config = config or LinkConfig()
    steps, running = [], 0.0
    for key, value in explanation.items():
        if key == "total":
            continue
        level, weight = (value[0], float(value[1])) if isinstance(value, list) else (
            None, float(value))
        steps.append({"field": key, "level": level, "weight": weight, "start": running,
                      "end": running + weight})
        running += weight
    total = float(explanation.get("total", running))
    points = [0.0, total, config.match_weight, config.review_weight,
              *(s["start"] for s in steps), *(s["end"] for s in steps)]
    lo, hi = min(points) - 1, max(points) + 1

    def pct(v: float) -> float:
        return round(100 * (v - lo) / (hi - lo), 2)

    for s in steps:
        a, b = sorted((pct(s["start"]), pct(s["end"])))
        s.update(x=a, width=max(round(b - a, 2), 0.5), up=s["weight"] >= 0)
    return {"steps": steps, "total": total, "total_x": pct(min(0.0, total)),
            "total_width": max(round(abs(pct(total) - pct(0.0)), 2), 0.5),
            "zero": pct(0.0), "match": pct(config.match_weight),
            "review": pct(config.review_weight), "match_weight": config.match_weight,
            "review_weight": config.review_weight}


def age_days(first_seen: datetime | None, now: datetime) -> int | None:
    if first_seen is None:
        return None
    if first_seen.tzinfo is None:
        first_seen = first_seen.replace(tzinfo=now.tzinfo)
    return max((now - first_seen).days, 0)
