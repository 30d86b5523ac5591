"""Fixtures for the pipeline tests: small demo partner systems in a fresh HUB_HOME.

Test folders share names with the hub's packages (``tests/pipelines``, ``tests/matching``...);
with ``tests/`` on ``sys.path`` (pytest's default import mode) ``import pipelines`` would find the
test folder as a namespace package. Putting the project root first makes the real packages win.
"""

import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parents[2])
for _name in ("pipelines", "matching", "connectors", "expectations", "schemas", "hub"):
    if _name in sys.modules and getattr(sys.modules[_name], "__file__", None) is None:
        sys.modules.pop(_name)
if sys.path[0] != _ROOT:
    sys.path.insert(0, _ROOT)

import shutil  # noqa: E402
from collections.abc import Iterator  # noqa: E402

import pytest  # noqa: E402

DEMO_HOUSEHOLDS = 30
DEMO_SEED = 7
PARTNER_ENV = ("HUB_STORE_URL", "HUB_PARTNERS_CONFIG", "JBRA_API_URL", "JBRA_API_TOKEN",
               "RVDK_DB_URL", "LDH_DB_URL", "WSS_DB_URL", "JGB_DB_URL", "DAGSTER_HOME")


@pytest.fixture(scope="session")
def demo_systems(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seven demo partner systems, generated once per session (never modified)."""
    from hub.demo import generate_population
    from hub.demo.writers import write_partner_systems

    out = tmp_path_factory.mktemp("demo_systems") / "partners"
    write_partner_systems(generate_population(DEMO_HOUSEHOLDS, seed=DEMO_SEED), out)
    return out


def make_home(demo_systems: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh HUB_HOME holding a copy of the demo systems; partner env vars cleared."""
    shutil.copytree(demo_systems, home / "partners")
    monkeypatch.setenv("HUB_HOME", str(home))
    for name in PARTNER_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HUB_EXTRACT_RETRIES", "1")
    monkeypatch.setenv("HUB_EXTRACT_RETRY_DELAY", "0.1")
    return home


@pytest.fixture
def demo_home(
    demo_systems: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """HUB_HOME with fresh copies of the demo partner systems, nothing extracted yet."""
    yield make_home(demo_systems, tmp_path / "hub", monkeypatch)
