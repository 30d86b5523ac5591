"""The monitor page and API: aggregates only, for the ``monitor`` permission (managers, stewards).

Computed from the published version and cached per (version, guide history, months), so a page
view does not recompute the whole registration. Nothing with a person or household id is
returned: the frames with ids stay inside :func:`_table`.
"""

import threading
from typing import Any

import pandas as pd
import sqlalchemy as sa

from hub.access import audit
from hub.access.roles import User
from hub.guide_actions import reconcile
from hub.monitor.report import (
    INDICATORS,
    monitor_table,
    municipality_label,
    pilot_series,
    pivot,
    window,
)
from hub.monitor.source import read_input
from hub.store.versions import current_version_id
from schemas.guides import guide_events

_cache: dict[tuple, pd.DataFrame] = {}
_lock = threading.Lock()


def _key(engine: sa.Engine, months: tuple[str, str]) -> tuple:
    with engine.connect() as conn:
        version = current_version_id(conn)
        last_event = conn.execute(sa.select(sa.func.max(guide_events.c.event_id))).scalar()
    return (str(engine.url), version, last_event, months)


def _table(engine: sa.Engine, months: tuple[str, str]) -> pd.DataFrame:
    reconcile(engine)
    key = _key(engine, months)
    with _lock:
        if key in _cache:
            return _cache[key]
    data = read_input(engine)
    table = monitor_table(data.cases, data.guides, *months)
    with _lock:
        if len(_cache) > 16:
            _cache.clear()
        _cache[key] = table
    return table


def months_of(first: str | None, last: str | None) -> tuple[str, str]:
    try:
        return window(first or None, last or None, pd.Timestamp.now())
    except ValueError as exc:
        from hub.web.views import BadRequest

        raise BadRequest(str(exc), field="months") from None


def monitor_data(engine: sa.Engine, user: User, first: str | None,
                 last: str | None) -> dict[str, Any]:
    """Every indicator as a month-by-municipality table of displayed values and a pilot trend."""
    months = months_of(first, last)
    table = _table(engine, months)
    audit.record(engine, "view", user=user, target_kind="monitor",
                 detail={"from": months[0], "to": months[1]})
    indicators = []
    for indicator in INDICATORS:
        grid = pivot(table, indicator.key)
        indicators.append({
            "key": indicator.key, "label": indicator.label, "unit": indicator.unit,
            "columns": [municipality_label(c) for c in grid.columns],
            "rows": [{"month": m, "cells": [str(v) for v in grid.loc[m]]} for m in grid.index],
            "series": pilot_series(table, indicator.key),
        })
    return {"first": months[0], "last": months[1], "indicators": indicators, "table": table}


def api_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The published cells as JSON rows (hidden values as null)."""
    table = data["table"]
    rows = table.astype({"value": object}).where(table.notna(), None)
    return rows.to_dict(orient="records")
