"""Migrations create the whole store on SQLite and PostgreSQL, and entry points upgrade it."""

import pytest
import sqlalchemy as sa

from hub.store.engine import current_revisions, head_revisions, make_engine, upgrade
from schemas.store import VIEWED_TABLES, metadata


def _check_store(url: str) -> None:
    upgrade(url)
    upgrade(url)  # a second upgrade is a no-op, not an error
    engine = make_engine(url)
    try:
        inspector = sa.inspect(engine)
        tables = set(inspector.get_table_names())
        views = set(inspector.get_view_names())
        assert current_revisions(engine) == head_revisions()
        assert "0001_store" in _history()
        store_tables = {t.name for t in metadata.sorted_tables if not t.name.startswith("access_")}
        assert store_tables <= tables
        assert {f"current_{t.name}" for t in VIEWED_TABLES} <= views
        assert "current_confidential_addresses" not in views
    finally:
        engine.dispose()


def _history() -> set[str]:
    from alembic.script import ScriptDirectory

    from hub.store.engine import alembic_config

    return {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def test_upgrade_creates_store_on_sqlite(tmp_path) -> None:
    _check_store(f"sqlite:///{tmp_path / 'sub' / 'hub.sqlite'}")


@pytest.mark.postgres
def test_upgrade_creates_store_on_postgres(pg_url: str) -> None:
    _check_store(pg_url)


def test_upgrading_drops_quarantine_rows_copied_in_clear(tmp_path) -> None:
    """A store whose quarantine table holds a row copied before masking loses it on upgrade;
    the next publish copies the (re-masked) quarantine files back."""
    url = f"sqlite:///{tmp_path / 'hub.sqlite'}"
    upgrade(url, "0006_review_assignments")
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text(
                "INSERT INTO quarantine (partner, run_id, stage, dataset, origin, rule, reason,"
                " severity, quarantined_at, record) VALUES ('blijf_groep', 'r1', 'extract',"
                " 'persons', 'clients.tsv', 'date', 'impossible date', 'row',"
                " '2026-12-01 00:00:00',"
                " '{\"BSN\": \"111222333\", \"Straat\": \"Geheimstraat\"}')"))
        upgrade(url)
        with engine.connect() as connection:
            left = connection.execute(sa.text("SELECT count(*) FROM quarantine")).scalar_one()
        assert left == 0
    finally:
        engine.dispose()
