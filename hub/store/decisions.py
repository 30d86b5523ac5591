"""Steward decisions (must-link, cannot-link): recorded once, applied by every later run.

A decision names a pair of source records, not hub IDs, so it survives merges and splits. The
newest unrevoked decision per pair counts. The review queue of the published version shows the
pairs matching could not decide; a pair with a decision in force is no longer open.
"""

from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

from foundation.decisions import DECISIONS
from foundation.errors import StoreError
from hub.store.build import pair_item_id
from hub.store.versions import current_version_id, new_row_id, now
from schemas.store import review_queue, steward_decisions

MATCHING_COLUMNS = ["left_source", "left_record_id", "right_source", "right_record_id", "decision"]


@dataclass(frozen=True)
class Decision:
    """One recorded decision."""

    decision_id: int
    item_id: str
    decision: str


def record_decision(
    engine: sa.Engine,
    left: tuple[str, str],
    right: tuple[str, str],
    decision: str,
    decided_by: str,
    reason: str | None = None,
) -> Decision:
    """Record that two source records are (``must_link``) or are not (``cannot_link``) one
    person."""
    if decision not in DECISIONS:
        raise StoreError(f"decision must be one of {', '.join(DECISIONS)}", field="decision")
    if tuple(left) == tuple(right):
        raise StoreError("a decision needs two different records", partner=left[0],
                         field="source_record_id")
    (ls, lid), (rs, rid) = sorted([tuple(left), tuple(right)])
    item = pair_item_id(ls, lid, rs, rid)
    with engine.begin() as conn:
        result = conn.execute(
            steward_decisions.insert().values(
                item_id=item, left_source=ls, left_record_id=lid, right_source=rs,
                right_record_id=rid, decision=decision, reason=reason, decided_by=decided_by,
                decided_at=now(),
            )
        )
    return Decision(new_row_id(result), item, decision)


def decide_review_item(
    engine: sa.Engine, item_id: str, decision: str, decided_by: str, reason: str | None = None
) -> Decision:
    """Decide an open item of the published review queue."""
    with engine.connect() as conn:
        version = current_version_id(conn)
        row = conn.execute(
            sa.select(review_queue).where(
                review_queue.c.version_id == version, review_queue.c.item_id == item_id
            )
        ).one_or_none()
    if row is None:
        raise StoreError("no such review item in the published version", field="item_id")
    return record_decision(
        engine, (row.left_source, row.left_record_id), (row.right_source, row.right_record_id),
        decision, decided_by, reason,
    )


def revoke_decision(engine: sa.Engine, decision_id: int, revoked_by: str) -> None:
    """Withdraw a decision; the next run decides the pair by its evidence again."""
    with engine.begin() as conn:
        done = conn.execute(
            steward_decisions.update()
            .where(steward_decisions.c.decision_id == decision_id,
                   steward_decisions.c.revoked_at.is_(None))
            .values(revoked_at=now(), revoked_by=revoked_by)
        )
    if done.rowcount != 1:
        raise StoreError("no such decision in force", field="decision_id")


def decisions_in_force(conn: sa.Connection) -> pd.DataFrame:
    """The newest unrevoked decision per pair, all columns."""
    t = steward_decisions
    newest = (
        sa.select(t.c.item_id, sa.func.max(t.c.decision_id).label("decision_id"))
        .where(t.c.revoked_at.is_(None)).group_by(t.c.item_id).subquery()
    )
    query = sa.select(t).join(newest, newest.c.decision_id == t.c.decision_id).order_by(
        t.c.decision_id
    )
    return pd.DataFrame(conn.execute(query).mappings().all(), columns=[c.name for c in t.columns])


def decisions_for_matching(engine: sa.Engine) -> pd.DataFrame:
    """Decisions in force in the shape ``matching.link(decisions=...)`` takes."""
    with engine.connect() as conn:
        frame = decisions_in_force(conn)
    return frame[MATCHING_COLUMNS].astype("str").reset_index(drop=True)


def open_review_items(conn: sa.Connection) -> pd.DataFrame:
    """Open review items of the published version (no decision in force), strongest first."""
    version = current_version_id(conn)
    q = review_queue
    decided = sa.select(steward_decisions.c.item_id).where(steward_decisions.c.revoked_at.is_(None))
    query = (
        sa.select(q)
        .where(q.c.version_id == version, q.c.item_id.not_in(decided))
        .order_by(q.c.match_weight.desc(), q.c.item_id)
    )
    return pd.DataFrame(conn.execute(query).mappings().all(), columns=[c.name for c in q.columns])
