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
