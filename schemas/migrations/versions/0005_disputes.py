"""Disputed values (GDPR art. 16): a steward marks a partner's value a person disputes.

Revision ID: 0005_disputes
Revises: 0004_guides
Create Date: 2026-12-04

The hub never edits partner data: a dispute only says which partner's system holds the value and
is shown on the household and person pages and in access reports until that partner's next
delivery changes the value (``hub.store.disputes.resolve_changed`` on publish). The value itself
is not stored, only its SHA-256, so a disputed BSN or address is not copied here in clear.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_disputes"
down_revision: str | Sequence[str] | None = "0004_guides"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``disputes``."""
    op.create_table(
        "disputes",
        sa.Column("dispute_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("person_id", sa.String(64), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("source_record_id", sa.String(64), nullable=False),
        sa.Column("field", sa.String(32), nullable=False),
        sa.Column("value_hash", sa.String(64), nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("marked_by", sa.String(100), nullable=False),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True)),
        sa.Column("closed_by", sa.String(100)),
        sa.Column("closed_version_id", sa.Integer()),
        sa.CheckConstraint("status IN ('open', 'changed', 'cleared')",
                           name="status"),
        sa.PrimaryKeyConstraint("dispute_id", name="pk_disputes"),
        comment="Values a person disputes (GDPR art. 16): shown until the partner's delivery "
                "changes them; the hub never edits partner data.",
    )
    op.create_index("ix_disputes_person", "disputes", ["person_id"])


def downgrade() -> None:
    """Drop ``disputes``."""
    op.drop_index("ix_disputes_person", table_name="disputes")
    op.drop_table("disputes")
