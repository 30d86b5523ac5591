"""Quarantine in the store holds only the masked form: rows copied before masking are dropped.

Before this revision, rows that failed at extraction were copied into the store's quarantine table
with the partner's own columns in clear (BSN, a shelter's street and postcode). The quarantine
files are the source of that table: the connectors re-mask an older hub's files once per partner
on its next extraction, and every publish copies the files whose rows the table does not hold yet.
So emptying the table here loses nothing: the next ``hub run`` copies every file back, masked.

Revision ID: 0007_quarantine_masked
Revises: 0006_review_assignments
Create Date: 2026-12-04
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007_quarantine_masked"
down_revision: str | Sequence[str] | None = "0006_review_assignments"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("DELETE FROM quarantine")


def downgrade() -> None:
    """Nothing to restore: the clear rows are gone on purpose (the partner keeps the original)."""
