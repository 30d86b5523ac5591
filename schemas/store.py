"""Tables of the merged store: one published registration, versioned so publishing is atomic.

Every table that holds the published picture carries ``version_id``. A publish loads a complete new
version next to the current one and then switches the one-row pointer ``published_version`` in a
short transaction; readers always go through that pointer (the ``current_*`` views or
:mod:`hub.store.query`), so they see either the old or the new version, never a half-written one.

History tables (runs, ID events, steward decisions, quarantine, erasures) are not versioned: they
accumulate, and hold no personal data except the quarantine's held-back record (clear JSON, masked
on display by :func:`foundation.quarantine.masked_records`).

Confidential addresses (shelters, safety) live only in ``confidential_addresses``. The address
columns of ``source_records`` and ``persons`` are empty for such rows and golden records never take
an address from them; no ``current_*`` view exists for that table, so no query picks one up by
accident.

``metadata`` is the hub's one shared :class:`sqlalchemy.MetaData`: ``schemas/access.py`` (users,
audit) defines its tables on it too, and the Alembic environment reads it.
"""

import sqlalchemy as sa

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

ID = sa.String(64)
"""Partner record ids, case ids, run ids, hub person and household ids."""
SOURCE = sa.String(32)
"""Partner key (docs/contracts.md)."""
TS = sa.DateTime(timezone=True)


ROW_HASH = "row_hash"
"""Column of every versioned table: a hash of the row's content (``hub.store.columns``)."""


def _row_hash_column() -> sa.Column:
    return sa.Column(ROW_HASH, sa.BigInteger,
                     comment="Hash of the row without version_id: a publish copies unchanged rows "
                             "inside the database instead of writing them again.")


def _address_columns() -> list[sa.Column]:
    return [
        sa.Column("street", sa.String(200)),
        sa.Column("house_number", sa.Integer),
        sa.Column("house_letter", sa.String(8)),
        sa.Column("house_number_suffix", sa.String(16)),
        sa.Column("postcode", sa.String(8)),
        sa.Column("city", sa.String(100)),
        sa.Column("municipality_code", sa.String(4)),
    ]


def _lineage_columns() -> list[sa.Column]:
    return [
        sa.Column("extracted_at", TS, nullable=False),
        sa.Column("origin", sa.String(500), nullable=False),
        sa.Column("origin_row", sa.BigInteger, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
    ]


# --- Runs and versions -------------------------------------------------------------------------

runs = sa.Table(
    "runs",
    metadata,
    sa.Column("run_id", ID, primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False, comment="publish or erasure"),
    sa.Column("status", sa.String(16), nullable=False,
              comment="running, published, unchanged, failed or erased"),
    sa.Column("started_at", TS, nullable=False),
    sa.Column("finished_at", TS),
    sa.Column("version_id", sa.Integer, comment="Version this run published or kept."),
    sa.Column("input_hash", sa.String(64), comment="Hash of the inputs, to detect unchanged runs."),
    sa.Column("config_version", sa.String(64), comment="Matching configuration version."),
    sa.Column("stats", sa.Text, comment="JSON counts; never personal data."),
    sa.Column("message", sa.Text),
)

run_sources = sa.Table(
    "run_sources",
    metadata,
    sa.Column("run_id", ID, primary_key=True),
    sa.Column("source", SOURCE, primary_key=True),
    sa.Column("status", sa.String(16), nullable=False, comment="ok or failed"),
    sa.Column("last_success_at", TS, comment="Last successful extract; its age is the freshness."),
    sa.Column("counts", sa.Text,
              comment="JSON: read, staged, quarantined, out_of_scope per dataset."),
    sa.Column("error", sa.Text, comment="Why the extract failed (no personal data)."),
)

versions = sa.Table(
    "versions",
    metadata,
    sa.Column("version_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", ID, nullable=False),
    sa.Column("status", sa.String(16), nullable=False,
              comment="loading, published, superseded or pruned"),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("published_at", TS),
    sa.Column("input_hash", sa.String(64)),
    sa.Column("config_version", sa.String(64)),
    sa.Column("counts", sa.Text, comment="JSON row counts per table."),
)

published_version = sa.Table(
    "published_version",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("version_id", sa.Integer, nullable=False),
    sa.Column("published_at", TS, nullable=False),
    sa.CheckConstraint("id = 1", name="single_row"),
    comment="One row: the version readers see. Switched in the transaction that ends a publish.",
)

# --- The published picture (versioned) -------------------------------------------------------

source_records = sa.Table(
    "source_records",
    metadata,
    sa.Column("version_id", sa.Integer, primary_key=True),
    sa.Column("source", SOURCE, primary_key=True),
    sa.Column("source_record_id", ID, primary_key=True),
    sa.Column("person_id", ID, nullable=False),
    sa.Column("household_id", ID),
    sa.Column("bsn", sa.String(16)),
    sa.Column("first_names", sa.String(200)),
    sa.Column("surname_prefix", sa.String(50)),
    sa.Column("surname", sa.String(200)),
    sa.Column("birth_date", sa.String(10)),
    sa.Column("sex", sa.String(1)),
    *_address_columns(),
    sa.Column("address_confidential", sa.Boolean, nullable=False,
              comment="True: the address is in confidential_addresses, these columns are empty."),
    sa.Column("source_household_ref", ID),
    sa.Column("role", sa.String(32)),
    *_lineage_columns(),
    _row_hash_column(),
    sa.Index("ix_source_records_person", "version_id", "person_id"),
    # the candidate indexes (migration 0008): an incremental run asks for the published records
    # sharing a blocking key with its new records (hub/store/candidates.py)
    sa.Index("ix_source_records_bsn", "version_id", "bsn"),
    sa.Index("ix_source_records_birth_date", "version_id", "birth_date"),
    sa.Index("ix_source_records_address", "version_id", "postcode", "house_number"),
    sa.Index("ix_source_records_household_ref", "version_id", "source_household_ref"),
)
# MariaDB and MySQL 5 index no expressions: there the surname criterion reads the version's rows
sa.Index("ix_source_records_surname", source_records.c.version_id,
         sa.func.lower(source_records.c.surname)).ddl_if(
    dialect=("sqlite", "postgresql"))  # type: ignore[arg-type]  # documented: names as a tuple

confidential_addresses = sa.Table(
    "confidential_addresses",
    metadata,
    sa.Column("version_id", sa.Integer, primary_key=True),
    sa.Column("source", SOURCE, primary_key=True),
    sa.Column("source_record_id", ID, primary_key=True),
    *_address_columns(),
    _row_hash_column(),
    comment="Secret addresses (shelter, safety). Never shown, matched, exported or copied.",
)

persons = sa.Table(
    "persons",
    metadata,
    sa.Column("version_id", sa.Integer, primary_key=True),
    sa.Column("person_id", ID, primary_key=True),
    sa.Column("household_id", ID),
    sa.Column("bsn", sa.String(16)),
    sa.Column("first_names", sa.String(200)),
    sa.Column("surname_prefix", sa.String(50)),
    sa.Column("surname", sa.String(200)),
    sa.Column("birth_date", sa.String(10)),
    sa.Column("sex", sa.String(1)),
    *_address_columns(),
    sa.Column("has_confidential_address", sa.Boolean, nullable=False,
              comment="Some source has a secret address for this person: show no address."),
    sa.Column("record_count", sa.Integer, nullable=False),
    sa.Column("sources", sa.String(300), nullable=False, comment="Comma-separated partner keys."),
    sa.Column("bsn_from", sa.String(100), comment="source:source_record_id the BSN came from."),
    sa.Column("name_from", sa.String(100)),
    sa.Column("birth_date_from", sa.String(100)),
    sa.Column("sex_from", sa.String(100)),
    sa.Column("address_from", sa.String(100)),
    _row_hash_column(),
    comment="Golden records; survivorship rules in hub/store/survivorship.py and docs/store.md.",
)

person_links = sa.Table(
    "person_links",
    metadata,
    sa.Column("version_id", sa.Integer, primary_key=True),
    sa.Column("source", SOURCE, primary_key=True),
    sa.Column("source_record_id", ID, primary_key=True),
    sa.Column("person_id", ID, nullable=False),
    sa.Column("match_weight", sa.Float),
    sa.Column("explanation", sa.Text,
              comment="JSON from matching: why this record is this person."),
    sa.Column("config_version", sa.String(64), nullable=False),
    _row_hash_column(),
)

households = sa.Table(
    "households",
    metadata,
    sa.Column("version_id", sa.Integer, primary_key=True),
    sa.Column("household_id", ID, primary_key=True),
    sa.Column("member_count", sa.Integer, nullable=False),
    sa.Column("child_count", sa.Integer, nullable=False),
    sa.Column("sources", sa.String(300), nullable=False),
    sa.Column("has_confidential_address", sa.Boolean, nullable=False),
    _row_hash_column(),
)

household_members = sa.Table(
    "household_members",
    metadata,
    sa.Column("version_id", sa.Integer, primary_key=True),
    sa.Column("household_id", ID, primary_key=True),
    sa.Column("person_id", ID, primary_key=True),
    sa.Column("role", sa.String(32), comment="Main role (see hub/store/households.py)."),
    sa.Column("roles", sa.String(300), comment="All roles sources give, comma-separated."),
    _row_hash_column(),
    sa.Index("ix_household_members_person", "version_id", "person_id"),
)

household_links = sa.Table(
    "household_links",
    metadata,
    sa.Column("version_id", sa.Integer, primary_key=True),
    sa.Column("household_id", ID, primary_key=True),
    sa.Column("other_household_id", ID, primary_key=True),
    sa.Column("relation", sa.String(64), primary_key=True),
    sa.Column("evidence", sa.Text),
    _row_hash_column(),
)

registrations = sa.Table(
    "registrations",
    metadata,
    sa.Column("version_id", sa.Integer, primary_key=True),
    sa.Column("source", SOURCE, primary_key=True),
    sa.Column("case_id", ID, primary_key=True),
    sa.Column("case_type", sa.String(32)),
    sa.Column("status", sa.String(16)),
    sa.Column("start_date", sa.Date),
    sa.Column("end_date", sa.Date),
    sa.Column("end_reason", sa.String(500)),
    sa.Column("case_worker_name", sa.String(200)),
    sa.Column("case_worker_contact", sa.String(200)),
    *_lineage_columns(),
    _row_hash_column(),
)

registration_persons = sa.Table(
    "registration_persons",
    metadata,
    sa.Column("version_id", sa.Integer, primary_key=True),
    sa.Column("source", SOURCE, primary_key=True),
    sa.Column("case_id", ID, primary_key=True),
    sa.Column("source_record_id", ID, primary_key=True),
    sa.Column("person_id", ID, comment="Empty when the case names a record that is not staged."),
    _row_hash_column(),
    sa.Index("ix_registration_persons_person", "version_id", "person_id"),
)

review_queue = sa.Table(
    "review_queue",
    metadata,
    sa.Column("version_id", sa.Integer, primary_key=True),
    sa.Column("item_id", sa.String(40), primary_key=True, comment="Stable hash of the pair."),
    sa.Column("left_source", SOURCE, nullable=False),
    sa.Column("left_record_id", ID, nullable=False),
    sa.Column("right_source", SOURCE, nullable=False),
    sa.Column("right_record_id", ID, nullable=False),
    sa.Column("left_person_id", ID),
    sa.Column("right_person_id", ID),
    sa.Column("match_weight", sa.Float),
    sa.Column("match_probability", sa.Float),
    sa.Column("explanation", sa.Text),
    sa.Column("reason", sa.Text),
    _row_hash_column(),
    comment="Pairs matching could not decide; open while no steward decision names the pair.",
)

VERSIONED_TABLES = (
    source_records,
    confidential_addresses,
    persons,
    person_links,
    households,
    household_members,
    household_links,
    registrations,
    registration_persons,
    review_queue,
)
"""Tables whose rows belong to one version (pruned, erased and read per version)."""

VIEWED_TABLES = tuple(t for t in VERSIONED_TABLES if t is not confidential_addresses)
"""Tables with a ``current_<name>`` view over the published version."""

# --- History (not versioned) -------------------------------------------------------------------

id_events = sa.Table(
    "id_events",
    metadata,
    sa.Column("event_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", ID, nullable=False),
    sa.Column("version_id", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False, comment="person or household"),
    sa.Column("event", sa.String(16), nullable=False, comment="new, merge or split"),
    sa.Column("entity_id", ID, nullable=False),
    sa.Column("related_ids", sa.Text, comment="JSON list of the other ids involved."),
    sa.Column("reason", sa.Text),
    sa.Column("evidence", sa.Text, comment="JSON: links (record ids, weights), no personal data."),
    sa.Column("created_at", TS, nullable=False),
    sa.Index("ix_id_events_entity", "entity_id"),
)

steward_decisions = sa.Table(
    "steward_decisions",
    metadata,
    sa.Column("decision_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("item_id", sa.String(40), nullable=False, comment="Hash of the (ordered) pair."),
    sa.Column("left_source", SOURCE, nullable=False),
    sa.Column("left_record_id", ID, nullable=False),
    sa.Column("right_source", SOURCE, nullable=False),
    sa.Column("right_record_id", ID, nullable=False),
    sa.Column("decision", sa.String(16), nullable=False, comment="must_link or cannot_link"),
    sa.Column("reason", sa.Text),
    sa.Column("decided_by", sa.String(100), nullable=False),
    sa.Column("decided_at", TS, nullable=False),
    sa.Column("revoked_at", TS),
    sa.Column("revoked_by", sa.String(100)),
    sa.CheckConstraint("decision IN ('must_link', 'cannot_link')", name="decision"),
    sa.Index("ix_steward_decisions_item", "item_id"),
    comment="Applied by every later run; the newest unrevoked decision per pair counts.",
)

review_assignments = sa.Table(
    "review_assignments",
    metadata,
    sa.Column("item_id", sa.String(40), primary_key=True, comment="Hash of the (ordered) pair."),
    sa.Column("assigned_to", sa.String(100), nullable=False, comment="Steward's user name."),
    sa.Column("assigned_by", sa.String(100), nullable=False),
    sa.Column("assigned_at", TS, nullable=False),
    comment="Who is to judge an open review pair (a candidate group assigns all its pairs).",
)

quarantine = sa.Table(
    "quarantine",
    metadata,
    sa.Column("quarantine_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("partner", SOURCE, nullable=False),
    sa.Column("run_id", ID, nullable=False),
    sa.Column("stage", sa.String(16), nullable=False),
    sa.Column("dataset", sa.String(16), nullable=False),
    sa.Column("origin", sa.String(500), nullable=False),
    sa.Column("origin_row", sa.BigInteger),
    sa.Column("source_record_id", ID),
    sa.Column("rule", sa.String(200), nullable=False),
    sa.Column("field", sa.String(64)),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("severity", sa.String(16), nullable=False),
    sa.Column("quarantined_at", TS, nullable=False),
    sa.Column("record", sa.Text, comment="Held-back record as JSON, clear: mask on display."),
    sa.Column("published_version_id", sa.Integer, comment="Publish that copied the row in."),
    sa.Index("ix_quarantine_run", "partner", "run_id"),
)

erasures = sa.Table(
    "erasures",
    metadata,
    sa.Column("erasure_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", ID, nullable=False),
    sa.Column("source", SOURCE, nullable=False),
    sa.Column("criterion", sa.String(16), nullable=False, comment="record, before or origin"),
    sa.Column("criterion_value", sa.String(500), nullable=False),
    sa.Column("reason", sa.Text),
    sa.Column("record_ids", sa.Text, comment="JSON list of the partner's erased record ids."),
    sa.Column("case_ids", sa.Text, comment="JSON list of the partner's erased case ids."),
    sa.Column("removed", sa.Text, comment="JSON: rows or files removed per place."),
    sa.Column("erased_by", sa.String(100)),
    sa.Column("erased_at", TS, nullable=False),
    comment="What was erased, when and why; never the erased values themselves.",
)

disputes = sa.Table(
    "disputes",
    metadata,
    sa.Column("dispute_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("person_id", ID, nullable=False, comment="Hub person the value belongs to."),
    sa.Column("source", SOURCE, nullable=False, comment="Partner whose system holds the value."),
    sa.Column("source_record_id", ID, nullable=False),
    sa.Column("field", sa.String(32), nullable=False,
              comment="name, birth_date, sex, bsn, address or role (hub.store.disputes.FIELDS)."),
    sa.Column("value_hash", sa.String(64), nullable=False,
              comment="SHA-256 of the disputed value: detects a change without keeping the value."),
    sa.Column("note", sa.Text, comment="What the person says is wrong (no BSN, no address)."),
    sa.Column("status", sa.String(16), nullable=False,
              comment="open, changed (the partner's delivery changed it) or cleared"),
    sa.Column("marked_by", sa.String(100), nullable=False),
    sa.Column("marked_at", TS, nullable=False),
    sa.Column("closed_at", TS),
    sa.Column("closed_by", sa.String(100), comment="username, or 'delivery' for a publish"),
    sa.Column("closed_version_id", sa.Integer, comment="Version whose delivery changed it."),
    sa.CheckConstraint("status IN ('open', 'changed', 'cleared')", name="status"),
    sa.Index("ix_disputes_person", "person_id"),
    comment="Values a person disputes (GDPR art. 16): shown until the partner's delivery "
            "changes them; the hub never edits partner data.",
)
