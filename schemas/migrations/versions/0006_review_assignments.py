"""Review assignments: which steward is to judge an open review pair.

Revision ID: 0006_review_assignments
Revises: 0005_disputes
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_review_assignments"
down_revision: str | Sequence[str] | None = "0005_disputes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "review_assignments",
        sa.Column("item_id", sa.String(length=40), nullable=False,
                  comment="Hash of the (ordered) pair."),
        sa.Column("assigned_to", sa.String(length=100), nullable=False,
                  comment="Steward's user name."),
        sa.Column("assigned_by", sa.String(length=100), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("item_id", name=op.f("pk_review_assignments")),
        comment="Who is to judge an open review pair (a candidate group assigns all its pairs).",
    )


def downgrade() -> None:
    op.drop_table("review_assignments")
