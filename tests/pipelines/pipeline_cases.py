"""Helpers shared by the pipeline tests (a plain module: conftest.py is not importable by name)."""

import shutil
from pathlib import Path

import pytest

PARTNER_ENV = ("HUB_STORE_URL", "HUB_PARTNERS_CONFIG", "JBRA_API_URL", "JBRA_API_TOKEN",
               "RVDK_DB_URL", "LDH_DB_URL", "WSS_DB_URL", "JGB_DB_URL", "DAGSTER_HOME")


def make_home(demo_systems: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh HUB_HOME holding a copy of the demo systems; partner env vars cleared."""
    shutil.copytree(demo_systems, home / "partners")
    monkeypatch.setenv("HUB_HOME", str(home))
    for name in PARTNER_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HUB_EXTRACT_RETRIES", "1")
    monkeypatch.setenv("HUB_EXTRACT_RETRY_DELAY", "0.1")
    return home
