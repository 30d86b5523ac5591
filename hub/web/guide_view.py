"""The fixed guide as pages show it: on the household page (with history) and in search results.

Guides are reconciled with the published households first (cheap when nothing changed), so a
page never shows a guide on a household id that a merge retired.
"""

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from hub.guide_actions import reconcile
from hub.store import guides as store_guides


def household_guides(engine: sa.Engine, household_id: str) -> dict[str, Any]:
    """The household's current guides, whether two conflict, and the history of its guides."""
    reconcile(engine)
    with engine.connect() as conn:
        current = store_guides.current_guides(conn, [household_id]).get(household_id, [])
    return {"guides": [g.as_dict() for g in current], "guide_conflict": len(current) > 1,
            "guide_history": store_guides.history(engine, household_id)}


def guides_for(engine: sa.Engine,
               household_ids: Iterable[str | None]) -> dict[str, list[dict[str, Any]]]:
    """Current guides (name and organisation only) of the households in a result list (hits
    without a household are skipped)."""
    ids = sorted({h for h in household_ids if h})
    if not ids:
        return {}
    with engine.connect() as conn:
        found = store_guides.current_guides(conn, ids)
    return {h: [{"name": g.name, "organisation": g.organisation} for g in gs]
            for h, gs in found.items()}


def open_items(engine: sa.Engine) -> dict[str, Any]:
    """Guides a steward must settle: conflicts after merges and pending ones (split, gone)."""
    reconcile(engine)
    conflicts = store_guides.conflicts(engine)
    pending = store_guides.list_guides(engine, pending_only=True)
    return {"conflicts": [{"household_id": h, "guides": [g.as_dict() for g in gs]}
                          for h, gs in sorted(conflicts.items())],
            "pending": [g.as_dict() for g in pending]}
