"""Which steward is to judge which open review pair (a whole candidate group at once)."""

from collections.abc import Iterable

import sqlalchemy as sa

from hub.store.versions import now
from schemas.store import review_assignments


def assign(engine: sa.Engine, item_ids: Iterable[str], steward: str, assigned_by: str) -> int:
    """Assign the pairs to ``steward`` (replacing an earlier assignment); returns the count."""
    ids = sorted(set(item_ids))
    if not ids:
        return 0
    with engine.begin() as conn:
        conn.execute(review_assignments.delete().where(review_assignments.c.item_id.in_(ids)))
        conn.execute(review_assignments.insert(), [
            {"item_id": i, "assigned_to": steward, "assigned_by": assigned_by,
             "assigned_at": now()} for i in ids])
    return len(ids)


def assignments(conn: sa.Connection, item_ids: Iterable[str]) -> dict[str, str]:
    """Item id -> the steward it is assigned to (only assigned items)."""
    ids = list(set(item_ids))
    if not ids:
        return {}
    t = review_assignments.c
    return dict(conn.execute(sa.select(t.item_id, t.assigned_to).where(t.item_id.in_(ids))).all())
