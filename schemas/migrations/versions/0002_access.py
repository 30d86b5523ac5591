"""Access layer: web accounts, server-side sessions and the append-only, hash-chained audit log.

Revision ID: 0002_access
Revises: 0001_store
Create Date: 2026-11-22

The audit table gets database triggers that refuse UPDATE and DELETE (SQLite, PostgreSQL,
MariaDB/MySQL); the hash chain (``hub audit verify``) detects changes made around them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from schemas.access import APPEND_ONLY_DDL

revision: str = "0002_access"
down_revision: str | Sequence[str] | None = "0001_store"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the access tables and make the audit log append-only."""
    op.create_table(
        "access_users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False, comment="staff, steward or admin"),
        sa.Column("partner", sa.String(length=32), nullable=True,
                  comment="Partner affiliation (e.g. blijf_groep): reveals that partner's secrets"),
        sa.Column("password_hash", sa.String(length=255), nullable=False, comment="argon2id"),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_users")),
        sa.UniqueConstraint("username", name=op.f("uq_access_users_username")),
    )
    op.create_table(
        "access_sessions",
        sa.Column("id", sa.String(length=64), nullable=False,
                  comment="SHA-256 of the cookie token: a stolen table gives no usable session"),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False,
                  comment="Absolute end of the session, whatever the activity"),
        sa.ForeignKeyConstraint(["user_id"], ["access_users.id"], ondelete="CASCADE",
                                name=op.f("fk_access_sessions_user_id_access_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_sessions")),
    )
    op.create_table(
        "access_audit_log",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False,
                  comment="1, 2, 3, ... without gaps; part of the hashed entry"),
        sa.Column("at", sa.String(length=40), nullable=False,
                  comment="UTC ISO 8601 text, hashed exactly as stored"),
        sa.Column("actor", sa.String(length=64), nullable=False, comment="username or 'system'"),
        sa.Column("role", sa.String(length=16), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False,
                  comment="login, login_failed, logout, search, view, reveal, decision, ..."),
        sa.Column("target_kind", sa.String(length=32), nullable=True,
                  comment="person, household, review, ..."),
        sa.Column("target_id", sa.String(length=64), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False,
                  comment="canonical JSON; never a clear BSN"),
        sa.Column("reason", sa.Text(), nullable=True,
                  comment="the stated reason of a reveal or decision"),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_access_audit_log")),
        sa.UniqueConstraint("prev_hash", name=op.f("uq_access_audit_log_prev_hash")),
        sa.UniqueConstraint("hash", name=op.f("uq_access_audit_log_hash")),
    )
    for statement in APPEND_ONLY_DDL.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade() -> None:
    """Drop the access tables (the audit log with them: export it first)."""
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS access_audit_log_append_only ON access_audit_log")
        op.execute("DROP FUNCTION IF EXISTS access_audit_log_refuse()")
    elif dialect in {"sqlite", "mysql", "mariadb"}:
        op.execute("DROP TRIGGER IF EXISTS access_audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS access_audit_log_no_delete")
    op.drop_table("access_audit_log")
    op.drop_table("access_sessions")
    op.drop_table("access_users")
