"""Shared fixtures: isolated HUB_HOME and real database services.

PostgreSQL and MariaDB tests use the services on 127.0.0.1. Each test gets a fresh schema
(PostgreSQL) or database (MariaDB) that is dropped afterwards, so tests can run in parallel.
Outside CI a missing service skips those tests; with CI=true it fails them.
"""

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from foundation.settings import Settings, get_settings

PG_ADMIN_URL = os.environ.get(
    "HUB_TEST_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test"
)
MARIADB_ADMIN_URL = os.environ.get(
    "HUB_TEST_MARIADB_URL", "mysql+pymysql://root@127.0.0.1:3306/test"
)
IN_CI = os.environ.get("CI", "").lower() == "true"

os.environ["HUB_DEMO"] = "1"
"""The suite runs on demo partner systems: the demo API and demo SQLite files stand in for unset
partner settings (issue 16). Tests of the production path pass an environment without it."""


def _service_or_skip(url: str, name: str) -> sa.Engine:
    engine = sa.create_engine(url, pool_pre_ping=True)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means the service is not there
        engine.dispose()
        message = (
            f"{name} is not reachable at {engine.url.render_as_string(hide_password=True)}: {exc}"
        )
        if IN_CI:
            pytest.fail(f"CI requires {message}")
        pytest.skip(message)
    return engine


@pytest.fixture(scope="session", autouse=True)
def _audit_key_and_anchors(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A test key for the keyed audit chain and an anchor folder outside the repository (the
    audit tests that exercise key files and anchors set their own)."""
    with pytest.MonkeyPatch.context() as patch:
        if not os.environ.get("HUB_AUDIT_KEY"):
            patch.setenv("HUB_AUDIT_KEY", "test-audit-key-" + "0" * 32)
        patch.setenv("HUB_AUDIT_ANCHOR_DIR", str(tmp_path_factory.mktemp("audit-anchors")))
        yield


@pytest.fixture
def hub_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings pointing at a fresh HUB_HOME under the test's tmp_path."""
    monkeypatch.setenv("HUB_HOME", str(tmp_path / "hub"))
    monkeypatch.delenv("HUB_STORE_URL", raising=False)
    return get_settings()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """URL of a fresh, empty PostgreSQL schema (dropped after the test)."""
    admin = _service_or_skip(PG_ADMIN_URL, "PostgreSQL")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = admin.url.update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def mariadb_url() -> Iterator[str]:
    """URL of a fresh, empty MariaDB database (dropped after the test)."""
    admin = _service_or_skip(MARIADB_ADMIN_URL, "MariaDB")
    database = f"t_{uuid.uuid4().hex[:12]}"
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE DATABASE `{database}` CHARACTER SET utf8mb4"))
    url = admin.url.set(database=database).update_query_dict({"charset": "utf8mb4"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS `{database}`"))
        admin.dispose()
