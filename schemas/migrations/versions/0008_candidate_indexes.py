"""Candidate indexes on ``source_records``: an incremental run finds the published records that
share a blocking key with its new records through them instead of reading the whole version.

Revision ID: 0008_candidate_indexes
Revises: 0007_quarantine_masked
Create Date: 2026-12-04

A drop-folder delivery of 50 records is linked against the published records that share a BSN,
a birth date, an address, a dossier reference or a surname with one of them
(``hub/store/candidates.py``). Asked as one OR over a million-record version, that read every
row (about 4 s); asked per criterion, each is an index lookup (milliseconds). The surname is
compared lower-cased, so its index is on ``lower(surname)``: SQLite and PostgreSQL index
expressions, MariaDB 10.11 does not, and there that one criterion still reads the version.
Each index costs a full publish about a second per million records.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_candidate_indexes"
down_revision: str | Sequence[str] | None = "0007_quarantine_masked"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("ix_source_records_bsn", ["version_id", "bsn"]),
    ("ix_source_records_birth_date", ["version_id", "birth_date"]),
    ("ix_source_records_address", ["version_id", "postcode", "house_number"]),
    ("ix_source_records_household_ref", ["version_id", "source_household_ref"]),
)
SURNAME = "ix_source_records_surname"
EXPRESSION_DIALECTS = ("sqlite", "postgresql")


def upgrade() -> None:
    for name, columns in INDEXES:
        op.create_index(name, "source_records", columns)
    if op.get_bind().dialect.name in EXPRESSION_DIALECTS:
        op.create_index(SURNAME, "source_records",
                        [sa.column("version_id"), sa.text("lower(surname)")])


def downgrade() -> None:
    if op.get_bind().dialect.name in EXPRESSION_DIALECTS:
        op.drop_index(SURNAME, table_name="source_records")
    for name, _ in reversed(INDEXES):
        op.drop_index(name, table_name="source_records")
