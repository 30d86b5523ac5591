"""Fixtures of the web and access tests: a migrated store with the access tables."""

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from hub.store.engine import make_engine, upgrade


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    """A SQLite store brought to the newest schema (store and access revisions)."""
    url = f"sqlite:///{tmp_path / 'store' / 'hub.sqlite'}"
    upgrade(url)
    return url


@pytest.fixture
def access_engine(store_url: str) -> Iterator[sa.Engine]:
    """An engine on that store (WAL mode, as the web app uses it)."""
    engine = make_engine(store_url)
    yield engine
    engine.dispose()
