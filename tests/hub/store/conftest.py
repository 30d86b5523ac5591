"""Store fixtures: the same tests against a SQLite file and a fresh PostgreSQL schema."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from hub.store.engine import open_store


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of an empty store: a SQLite file, or a PostgreSQL schema (``pg_url``)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store' / 'hub.sqlite'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def store(store_url: str) -> sa.Engine:
    """An upgraded store engine (disposed after the test)."""
    engine = open_store(store_url)
    yield engine
    engine.dispose()
