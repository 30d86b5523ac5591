"""Fixed guides per household and their history.

Revision ID: 0004_guides
Revises: 0003_row_hash
Create Date: 2026-12-04

``guides`` holds each guide period of a household (``until`` empty while it lasts); ``guide_events``
every change (set, end, moved by a merge, questioned by a split, decided by a steward).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_guides"
down_revision: str | Sequence[str] | None = "0003_row_hash"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``guides`` and ``guide_events``."""
    op.create_table(
        "guides",
        sa.Column("guide_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("household_id", sa.String(length=64), nullable=False,
                  comment="The household the guide is with now."),
        sa.Column("name", sa.String(length=200), nullable=False,
                  comment="The professional's name."),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=False,
                  comment="Phone or e-mail at work."),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True,
                  comment="Last day; empty while the guide stays."),
        sa.Column("end_reason", sa.String(length=500), nullable=True),
        sa.Column("pending", sa.String(length=16), nullable=True,
                  comment="split or gone: a steward must decide which household keeps the guide."),
        sa.Column("pending_options", sa.Text(), nullable=True,
                  comment="JSON list of household ids to choose from."),
        sa.Column("registered_by", sa.String(length=100), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_by", sa.String(length=100), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("guide_id", name=op.f("pk_guides")),
        comment="Fixed guides per household, current and past (until set).",
    )
    op.create_index("ix_guides_household", "guides", ["household_id"])
    op.create_table(
        "guide_events",
        sa.Column("event_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("guide_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.String(length=64), nullable=False),
        sa.Column("event", sa.String(length=16), nullable=False,
                  comment="set, end, merged, split, gone, decided"),
        sa.Column("detail", sa.Text(), nullable=True,
                  comment="JSON: what changed (household ids, id event), no BSN."),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_guide_events")),
        comment="Every change to a guide, append-only.",
    )
    op.create_index("ix_guide_events_guide", "guide_events", ["guide_id"])


def downgrade() -> None:
    """Drop the guide tables."""
    op.drop_index("ix_guide_events_guide", table_name="guide_events")
    op.drop_table("guide_events")
    op.drop_index("ix_guides_household", table_name="guides")
    op.drop_table("guides")
