"""Fixtures of the web and access tests: migrated stores filled with the family of web_store.py."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from web_store import PASSWORD, fill_store

from hub.access.users import create_user
from hub.store.engine import make_engine, upgrade


@pytest.fixture(scope="session", autouse=True)
def _cheap_argon2() -> Iterator[None]:
    """Argon2id with the library's cheapest parameters in tests: the same code path, but a
    login costs microseconds instead of most of a second on a loaded 2-core machine."""
    from argon2 import PasswordHasher, profiles

    from hub.access import passwords

    saved = passwords._hasher, passwords._DUMMY_HASH
    passwords._hasher = PasswordHasher.from_parameters(profiles.CHEAPEST)
    passwords._DUMMY_HASH = passwords._hasher.hash("dummy-password-for-timing")
    yield
    passwords._hasher, passwords._DUMMY_HASH = saved


@pytest.fixture(scope="session")
def _template_stores(_cheap_argon2: None,
                     tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Migrated stores built once per session (migrations and hashing are slow)."""
    folder = tmp_path_factory.mktemp("web_templates")
    empty, filled = folder / "empty.sqlite", folder / "filled.sqlite"
    upgrade(f"sqlite:///{empty}")
    shutil.copy(empty, filled)
    engine = make_engine(f"sqlite:///{filled}")
    try:
        fill_store(engine)
        create_user(engine, "staff", PASSWORD, "staff", display_name="Sam Staff")
        create_user(engine, "blijf", PASSWORD, "staff", partner="blijf_groep",
                    display_name="Bo Blijf")
        create_user(engine, "steward", PASSWORD, "steward", display_name="Stef Steward")
        create_user(engine, "admin", PASSWORD, "admin", display_name="Ada Admin")
        with engine.connect() as conn:  # fold the WAL into the file before copying it
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()
    return {"empty": empty, "filled": filled}


def _copy(template: Path, tmp_path: Path) -> str:
    target = tmp_path / "store" / "hub.sqlite"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def store_url(_template_stores: dict[str, Path], tmp_path: Path) -> str:
    """A SQLite store at the newest schema (store and access revisions), empty."""
    return _copy(_template_stores["empty"], tmp_path)


@pytest.fixture
def access_engine(store_url: str) -> Iterator[sa.Engine]:
    """An engine on that store (WAL mode, as the web app uses it)."""
    engine = make_engine(store_url)
    yield engine
    engine.dispose()


@pytest.fixture
def filled_engine(_template_stores: dict[str, Path], tmp_path: Path) -> Iterator[sa.Engine]:
    """The store with the family published and one user per role (password ``PASSWORD``):
    staff, blijf (staff of blijf_groep), steward, admin."""
    engine = make_engine(_copy(_template_stores["filled"], tmp_path))
    yield engine
    engine.dispose()
