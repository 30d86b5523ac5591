"""Row hashes on the versioned tables (unchanged rows stay inside the database); three unused
indexes dropped.

Revision ID: 0003_row_hash
Revises: 0002_access
Create Date: 2026-11-22

``row_hash`` is a 64-bit hash of a row's content without ``version_id`` (``hub.store.columns``).
A publish reads the published version's keys and hashes, copies the rows whose hash is unchanged
with ``INSERT ... SELECT`` and writes only the others. Rows written before this revision have no
hash and count as changed once. The ``current_*`` views are recreated so that they show the new
column on PostgreSQL too (it expands ``t.*`` when a view is created, SQLite when it is read).

Three secondary indexes no query uses are dropped: each cost about as much as the table itself
when a million-row version is written (``persons`` by household, ``person_links`` by person,
``source_records`` by household; household pages read ``household_members``, person pages
``source_records`` by person and ``person_links`` by record).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_row_hash"
down_revision: str | Sequence[str] | None = "0002_access"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VIEWED = (
    "source_records",
    "persons",
    "person_links",
    "households",
    "household_members",
    "household_links",
    "registrations",
    "registration_persons",
    "review_queue",
)
"""Versioned tables with a ``current_<name>`` view (as in 0001_store)."""
VERSIONED = (*VIEWED, "confidential_addresses")
UNUSED_INDEXES = (
    ("ix_persons_household", "persons", ["version_id", "household_id"]),
    ("ix_person_links_person", "person_links", ["version_id", "person_id"]),
    ("ix_source_records_household", "source_records", ["version_id", "household_id"]),
)


def _create_views() -> None:
    for name in VIEWED:
        op.execute(
            f"CREATE VIEW current_{name} AS SELECT t.* FROM {name} t "
            "JOIN published_version pv ON t.version_id = pv.version_id"
        )


def _drop_views() -> None:
    for name in VIEWED:
        op.execute(f"DROP VIEW IF EXISTS current_{name}")


def upgrade() -> None:
    """Add ``row_hash`` to every versioned table, drop the unused indexes."""
    for name, table, _ in UNUSED_INDEXES:
        op.drop_index(name, table_name=table)
    _drop_views()
    for name in VERSIONED:
        op.add_column(name, sa.Column(
            "row_hash", sa.BigInteger(), nullable=True,
            comment="Hash of the row without version_id: a publish copies unchanged rows "
                    "inside the database instead of writing them again."))
    _create_views()


def downgrade() -> None:
    """Drop ``row_hash`` again and restore the indexes."""
    _drop_views()
    for name in VERSIONED:
        with op.batch_alter_table(name) as batch:
            batch.drop_column("row_hash")
    _create_views()
    for name, table, columns in UNUSED_INDEXES:
        op.create_index(name, table, columns)
