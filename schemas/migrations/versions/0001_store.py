"""The merged store: runs, versions, the published picture, history tables and current_* views.

Revision ID: 0001_store
Revises:
Create Date: 2026-11-22

Written out in full (not ``metadata.create_all``) so that later changes to ``schemas/store.py`` come
as new revisions. The ``current_<table>`` views join each versioned table on the one-row
``published_version`` pointer; ``confidential_addresses`` deliberately has no view.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0001_store"
down_revision: str | Sequence[str] | None = None
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
"""Versioned tables with a ``current_<name>`` view (never ``confidential_addresses``)."""


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
    """Create the store's tables, indexes and views."""
    op.create_table(
        "confidential_addresses",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("source_record_id", sa.String(length=64), nullable=False),
        sa.Column("street", sa.String(length=200), nullable=True),
        sa.Column("house_number", sa.Integer(), nullable=True),
        sa.Column("house_letter", sa.String(length=8), nullable=True),
        sa.Column("house_number_suffix", sa.String(length=16), nullable=True),
        sa.Column("postcode", sa.String(length=8), nullable=True),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("municipality_code", sa.String(length=4), nullable=True),
        sa.PrimaryKeyConstraint(
            "version_id", "source", "source_record_id", name=op.f("pk_confidential_addresses")
        ),
        comment="Secret addresses (shelter, safety). Never shown, matched, exported or copied.",
    )
    op.create_table(
        "erasures",
        sa.Column("erasure_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column(
            "criterion", sa.String(length=16), nullable=False, comment="record, before or origin"
        ),
        sa.Column("criterion_value", sa.String(length=500), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column(
            "record_ids",
            sa.Text(),
            nullable=True,
            comment="JSON list of the partner's erased record ids.",
        ),
        sa.Column(
            "case_ids",
            sa.Text(),
            nullable=True,
            comment="JSON list of the partner's erased case ids.",
        ),
        sa.Column(
            "removed", sa.Text(), nullable=True, comment="JSON: rows or files removed per place."
        ),
        sa.Column("erased_by", sa.String(length=100), nullable=True),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("erasure_id", name=op.f("pk_erasures")),
        comment="What was erased, when and why; never the erased values themselves.",
    )
    op.create_table(
        "household_links",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.String(length=64), nullable=False),
        sa.Column("other_household_id", sa.String(length=64), nullable=False),
        sa.Column("relation", sa.String(length=64), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint(
            "version_id",
            "household_id",
            "other_household_id",
            "relation",
            name=op.f("pk_household_links"),
        ),
    )
    op.create_table(
        "household_members",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column(
            "role",
            sa.String(length=32),
            nullable=True,
            comment="Main role (see hub/store/households.py).",
        ),
        sa.Column(
            "roles",
            sa.String(length=300),
            nullable=True,
            comment="All roles sources give, comma-separated.",
        ),
        sa.PrimaryKeyConstraint(
            "version_id", "household_id", "person_id", name=op.f("pk_household_members")
        ),
    )
    op.create_index("ix_household_members_person", "household_members", ["version_id", "person_id"])

    op.create_table(
        "households",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.String(length=64), nullable=False),
        sa.Column("member_count", sa.Integer(), nullable=False),
        sa.Column("child_count", sa.Integer(), nullable=False),
        sa.Column("sources", sa.String(length=300), nullable=False),
        sa.Column("has_confidential_address", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("version_id", "household_id", name=op.f("pk_households")),
    )
    op.create_table(
        "id_events",
        sa.Column("event_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False, comment="person or household"),
        sa.Column("event", sa.String(length=16), nullable=False, comment="new, merge or split"),
        sa.Column("entity_id", sa.String(length=64), nullable=False),
        sa.Column(
            "related_ids", sa.Text(), nullable=True, comment="JSON list of the other ids involved."
        ),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column(
            "evidence",
            sa.Text(),
            nullable=True,
            comment="JSON: links (record ids, weights), no personal data.",
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_id_events")),
    )
    op.create_index("ix_id_events_entity", "id_events", ["entity_id"])

    op.create_table(
        "person_links",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("source_record_id", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("match_weight", sa.Float(), nullable=True),
        sa.Column(
            "explanation",
            sa.Text(),
            nullable=True,
            comment="JSON from matching: why this record is this person.",
        ),
        sa.Column("config_version", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint(
            "version_id", "source", "source_record_id", name=op.f("pk_person_links")
        ),
    )
    op.create_index("ix_person_links_person", "person_links", ["version_id", "person_id"])

    op.create_table(
        "persons",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("household_id", sa.String(length=64), nullable=True),
        sa.Column("bsn", sa.String(length=16), nullable=True),
        sa.Column("first_names", sa.String(length=200), nullable=True),
        sa.Column("surname_prefix", sa.String(length=50), nullable=True),
        sa.Column("surname", sa.String(length=200), nullable=True),
        sa.Column("birth_date", sa.String(length=10), nullable=True),
        sa.Column("sex", sa.String(length=1), nullable=True),
        sa.Column("street", sa.String(length=200), nullable=True),
        sa.Column("house_number", sa.Integer(), nullable=True),
        sa.Column("house_letter", sa.String(length=8), nullable=True),
        sa.Column("house_number_suffix", sa.String(length=16), nullable=True),
        sa.Column("postcode", sa.String(length=8), nullable=True),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("municipality_code", sa.String(length=4), nullable=True),
        sa.Column(
            "has_confidential_address",
            sa.Boolean(),
            nullable=False,
            comment="Some source has a secret address for this person: show no address.",
        ),
        sa.Column("record_count", sa.Integer(), nullable=False),
        sa.Column(
            "sources",
            sa.String(length=300),
            nullable=False,
            comment="Comma-separated partner keys.",
        ),
        sa.Column(
            "bsn_from",
            sa.String(length=100),
            nullable=True,
            comment="source:source_record_id the BSN came from.",
        ),
        sa.Column("name_from", sa.String(length=100), nullable=True),
        sa.Column("birth_date_from", sa.String(length=100), nullable=True),
        sa.Column("sex_from", sa.String(length=100), nullable=True),
        sa.Column("address_from", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("version_id", "person_id", name=op.f("pk_persons")),
        comment=(
            "Golden records; survivorship rules in hub/store/survivorship.py and docs/store.md."
        ),
    )
    op.create_index("ix_persons_household", "persons", ["version_id", "household_id"])

    op.create_table(
        "published_version",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_published_version_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_published_version")),
        comment=(
            "One row: the version readers see. Switched in the transaction that ends a publish."
        ),
    )
    op.create_table(
        "quarantine",
        sa.Column("quarantine_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("partner", sa.String(length=32), nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("dataset", sa.String(length=16), nullable=False),
        sa.Column("origin", sa.String(length=500), nullable=False),
        sa.Column("origin_row", sa.BigInteger(), nullable=True),
        sa.Column("source_record_id", sa.String(length=64), nullable=True),
        sa.Column("rule", sa.String(length=200), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("quarantined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "record",
            sa.Text(),
            nullable=True,
            comment="Held-back record as JSON, clear: mask on display.",
        ),
        sa.Column(
            "published_version_id",
            sa.Integer(),
            nullable=True,
            comment="Publish that copied the row in.",
        ),
        sa.PrimaryKeyConstraint("quarantine_id", name=op.f("pk_quarantine")),
    )
    op.create_index("ix_quarantine_run", "quarantine", ["partner", "run_id"])

    op.create_table(
        "registration_persons",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("source_record_id", sa.String(length=64), nullable=False),
        sa.Column(
            "person_id",
            sa.String(length=64),
            nullable=True,
            comment="Empty when the case names a record that is not staged.",
        ),
        sa.PrimaryKeyConstraint(
            "version_id",
            "source",
            "case_id",
            "source_record_id",
            name=op.f("pk_registration_persons"),
        ),
    )
    op.create_index(
        "ix_registration_persons_person", "registration_persons", ["version_id", "person_id"]
    )

    op.create_table(
        "registrations",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("case_type", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("end_reason", sa.String(length=500), nullable=True),
        sa.Column("case_worker_name", sa.String(length=200), nullable=True),
        sa.Column("case_worker_contact", sa.String(length=200), nullable=True),
        sa.Column("extracted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("origin", sa.String(length=500), nullable=False),
        sa.Column("origin_row", sa.BigInteger(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("version_id", "source", "case_id", name=op.f("pk_registrations")),
    )
    op.create_table(
        "review_queue",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column(
            "item_id", sa.String(length=40), nullable=False, comment="Stable hash of the pair."
        ),
        sa.Column("left_source", sa.String(length=32), nullable=False),
        sa.Column("left_record_id", sa.String(length=64), nullable=False),
        sa.Column("right_source", sa.String(length=32), nullable=False),
        sa.Column("right_record_id", sa.String(length=64), nullable=False),
        sa.Column("left_person_id", sa.String(length=64), nullable=True),
        sa.Column("right_person_id", sa.String(length=64), nullable=True),
        sa.Column("match_weight", sa.Float(), nullable=True),
        sa.Column("match_probability", sa.Float(), nullable=True),
        sa.Column("explanation", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("version_id", "item_id", name=op.f("pk_review_queue")),
        comment="Pairs matching could not decide; open while no steward decision names the pair.",
    )
    op.create_table(
        "run_sources",
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False, comment="ok or failed"),
        sa.Column(
            "last_success_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="Last successful extract; its age is the freshness.",
        ),
        sa.Column(
            "counts",
            sa.Text(),
            nullable=True,
            comment="JSON: read, staged, quarantined, out_of_scope per dataset.",
        ),
        sa.Column(
            "error", sa.Text(), nullable=True, comment="Why the extract failed (no personal data)."
        ),
        sa.PrimaryKeyConstraint("run_id", "source", name=op.f("pk_run_sources")),
    )
    op.create_table(
        "runs",
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False, comment="publish or erasure"),
        sa.Column(
            "status",
            sa.String(length=16),
            nullable=False,
            comment="running, published, unchanged, failed or erased",
        ),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "version_id", sa.Integer(), nullable=True, comment="Version this run published or kept."
        ),
        sa.Column(
            "input_hash",
            sa.String(length=64),
            nullable=True,
            comment="Hash of the inputs, to detect unchanged runs.",
        ),
        sa.Column(
            "config_version",
            sa.String(length=64),
            nullable=True,
            comment="Matching configuration version.",
        ),
        sa.Column("stats", sa.Text(), nullable=True, comment="JSON counts; never personal data."),
        sa.Column("message", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_runs")),
    )
    op.create_table(
        "source_records",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("source_record_id", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("household_id", sa.String(length=64), nullable=True),
        sa.Column("bsn", sa.String(length=16), nullable=True),
        sa.Column("first_names", sa.String(length=200), nullable=True),
        sa.Column("surname_prefix", sa.String(length=50), nullable=True),
        sa.Column("surname", sa.String(length=200), nullable=True),
        sa.Column("birth_date", sa.String(length=10), nullable=True),
        sa.Column("sex", sa.String(length=1), nullable=True),
        sa.Column("street", sa.String(length=200), nullable=True),
        sa.Column("house_number", sa.Integer(), nullable=True),
        sa.Column("house_letter", sa.String(length=8), nullable=True),
        sa.Column("house_number_suffix", sa.String(length=16), nullable=True),
        sa.Column("postcode", sa.String(length=8), nullable=True),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("municipality_code", sa.String(length=4), nullable=True),
        sa.Column(
            "address_confidential",
            sa.Boolean(),
            nullable=False,
            comment="True: the address is in confidential_addresses, these columns are empty.",
        ),
        sa.Column("source_household_ref", sa.String(length=64), nullable=True),
        sa.Column("role", sa.String(length=32), nullable=True),
        sa.Column("extracted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("origin", sa.String(length=500), nullable=False),
        sa.Column("origin_row", sa.BigInteger(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint(
            "version_id", "source", "source_record_id", name=op.f("pk_source_records")
        ),
    )
    op.create_index("ix_source_records_household", "source_records", ["version_id", "household_id"])
    op.create_index("ix_source_records_person", "source_records", ["version_id", "person_id"])

    op.create_table(
        "steward_decisions",
        sa.Column("decision_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "item_id", sa.String(length=40), nullable=False, comment="Hash of the (ordered) pair."
        ),
        sa.Column("left_source", sa.String(length=32), nullable=False),
        sa.Column("left_record_id", sa.String(length=64), nullable=False),
        sa.Column("right_source", sa.String(length=32), nullable=False),
        sa.Column("right_record_id", sa.String(length=64), nullable=False),
        sa.Column(
            "decision", sa.String(length=16), nullable=False, comment="must_link or cannot_link"
        ),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(length=100), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(length=100), nullable=True),
        sa.CheckConstraint(
            "decision IN ('must_link', 'cannot_link')", name=op.f("ck_steward_decisions_decision")
        ),
        sa.PrimaryKeyConstraint("decision_id", name=op.f("pk_steward_decisions")),
        comment="Applied by every later run; the newest unrevoked decision per pair counts.",
    )
    op.create_index("ix_steward_decisions_item", "steward_decisions", ["item_id"])

    op.create_table(
        "versions",
        sa.Column("version_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column(
            "status",
            sa.String(length=16),
            nullable=False,
            comment="loading, published, superseded or pruned",
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("input_hash", sa.String(length=64), nullable=True),
        sa.Column("config_version", sa.String(length=64), nullable=True),
        sa.Column("counts", sa.Text(), nullable=True, comment="JSON row counts per table."),
        sa.PrimaryKeyConstraint("version_id", name=op.f("pk_versions")),
    )
    _create_views()


def downgrade() -> None:
    """Drop everything 0001_store created."""
    _drop_views()
    op.drop_table("versions")
    op.drop_index("ix_steward_decisions_item", table_name="steward_decisions")

    op.drop_table("steward_decisions")
    op.drop_index("ix_source_records_person", table_name="source_records")
    op.drop_index("ix_source_records_household", table_name="source_records")

    op.drop_table("source_records")
    op.drop_table("runs")
    op.drop_table("run_sources")
    op.drop_table("review_queue")
    op.drop_table("registrations")
    op.drop_index("ix_registration_persons_person", table_name="registration_persons")

    op.drop_table("registration_persons")
    op.drop_index("ix_quarantine_run", table_name="quarantine")

    op.drop_table("quarantine")
    op.drop_table("published_version")
    op.drop_index("ix_persons_household", table_name="persons")

    op.drop_table("persons")
    op.drop_index("ix_person_links_person", table_name="person_links")

    op.drop_table("person_links")
    op.drop_index("ix_id_events_entity", table_name="id_events")

    op.drop_table("id_events")
    op.drop_table("households")
    op.drop_index("ix_household_members_person", table_name="household_members")

    op.drop_table("household_members")
    op.drop_table("household_links")
    op.drop_table("erasures")
    op.drop_table("confidential_addresses")
