"""Tables of the access layer: accounts, server-side sessions and the hash-chained audit log.

They live on the store's shared ``metadata`` so one Alembic history (revision ``0002_access``) and
one ``upgrade(url)`` create everything. The audit table is append-only: the database refuses
UPDATE and DELETE (triggers on SQLite, PostgreSQL and MariaDB/MySQL), and every entry carries the
SHA-256 of its predecessor, so an edit made by someone who drops the triggers is still detected by
``hub audit verify``.
"""

import sqlalchemy as sa

from schemas.store import metadata

users = sa.Table(
    "access_users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("username", sa.String(64), nullable=False, unique=True),
    sa.Column("display_name", sa.String(200), nullable=False),
    sa.Column("role", sa.String(16), nullable=False, comment="staff, steward or admin"),
    sa.Column("partner", sa.String(32), nullable=True,
              comment="Partner affiliation (e.g. blijf_groep): reveals that partner's secrets"),
    sa.Column("password_hash", sa.String(255), nullable=False, comment="argon2id"),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("failed_logins", sa.Integer, nullable=False, default=0),
    sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=False),
)

sessions = sa.Table(
    "access_sessions",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True,
              comment="SHA-256 of the cookie token: a stolen table gives no usable session"),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("access_users.id", ondelete="CASCADE"),
              nullable=False),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False,
              comment="Absolute end of the session, whatever the activity"),
)

audit_log = sa.Table(
    "access_audit_log",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False,
              comment="1, 2, 3, ... without gaps; part of the hashed entry"),
    sa.Column("at", sa.String(40), nullable=False,
              comment="UTC ISO 8601 text, hashed exactly as stored"),
    sa.Column("actor", sa.String(64), nullable=False, comment="username or 'system'"),
    sa.Column("role", sa.String(16), nullable=True),
    sa.Column("action", sa.String(32), nullable=False,
              comment="login, login_failed, logout, search, view, reveal, decision, ..."),
    sa.Column("target_kind", sa.String(32), nullable=True,
              comment="person, household, review, ..."),
    sa.Column("target_id", sa.String(64), nullable=True),
    sa.Column("detail", sa.Text, nullable=False, comment="canonical JSON; never a clear BSN"),
    sa.Column("reason", sa.Text, nullable=True,
              comment="the stated reason of a reveal or decision"),
    sa.Column("prev_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("hash", sa.String(64), nullable=False, unique=True),
)

APPEND_ONLY_DDL: dict[str, list[str]] = {
    "sqlite": [
        "CREATE TRIGGER IF NOT EXISTS access_audit_log_no_update BEFORE UPDATE ON access_audit_log "
        "BEGIN SELECT RAISE(ABORT, 'access_audit_log is append-only'); END",
        "CREATE TRIGGER IF NOT EXISTS access_audit_log_no_delete BEFORE DELETE ON access_audit_log "
        "BEGIN SELECT RAISE(ABORT, 'access_audit_log is append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION access_audit_log_refuse() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'access_audit_log is append-only'; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER access_audit_log_append_only BEFORE UPDATE OR DELETE ON access_audit_log "
        "FOR EACH ROW EXECUTE FUNCTION access_audit_log_refuse()",
    ],
    "mysql": [
        "CREATE TRIGGER access_audit_log_no_update BEFORE UPDATE ON access_audit_log FOR EACH ROW "
        "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'access_audit_log is append-only'",
        "CREATE TRIGGER access_audit_log_no_delete BEFORE DELETE ON access_audit_log FOR EACH ROW "
        "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'access_audit_log is append-only'",
    ],
}
APPEND_ONLY_DDL["mariadb"] = APPEND_ONLY_DDL["mysql"]
"""Statements that make the audit table append-only, per SQLAlchemy dialect name."""

for _dialect, _statements in APPEND_ONLY_DDL.items():
    for _statement in _statements:
        sa.event.listen(
            audit_log, "after_create", sa.DDL(_statement).execute_if(dialect=_dialect)
        )
