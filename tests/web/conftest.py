"""Fixtures of the web and access tests: an access-ready database and a filled demo store."""

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

import schemas.access  # noqa: F401 - registers the access tables on the shared metadata
from schemas.access import metadata


@pytest.fixture
def access_engine(tmp_path: Path) -> Iterator[sa.Engine]:
    """A SQLite database with the access tables (and their append-only triggers)."""
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'access.sqlite'}")
    metadata.create_all(engine)
    yield engine
    engine.dispose()
