"""The monitor page (/monitor) and its JSON (/api/monitor): for the ``monitor`` permission only."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from hub.access.roles import Permission
from hub.access.sessions import Session
from hub.monitor.charts import trend_svg
from hub.web import monitor_view
from hub.web.routes.render import render
from hub.web.security import guard, hub_state

router = APIRouter()

Watcher = Annotated[Session, Depends(guard(Permission.MONITOR))]
Month = Annotated[str | None, Query(max_length=7)]


@router.get("/monitor", include_in_schema=False)
def monitor_page(request: Request, session: Watcher, van: Month = None,
                 tot: Month = None) -> Response:
    """Trends per indicator (SVG) and the month-by-municipality tables, small counts hidden."""
    data = monitor_view.monitor_data(hub_state(request).engine, session.user, van, tot)
    data.pop("table")
    return render(request, "monitor.html", {**data, "chart": trend_svg})


@router.get("/api/monitor", tags=["api"])
def monitor_api(request: Request, session: Watcher, van: Month = None,
                tot: Month = None) -> dict[str, Any]:
    """Every published monitor cell: month, municipality, indicator, value (null when hidden),
    display ("<5" or "x" when hidden) and status."""
    data = monitor_view.monitor_data(hub_state(request).engine, session.user, van, tot)
    return {"from": data["first"], "to": data["last"], "cells": monitor_view.api_rows(data)}
