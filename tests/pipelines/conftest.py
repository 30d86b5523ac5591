"""Fixtures for the pipeline tests: small demo partner systems in a fresh HUB_HOME."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from pipeline_cases import make_home

DEMO_HOUSEHOLDS = 30
DEMO_SEED = 7


@pytest.fixture(scope="session")
def demo_systems(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seven demo partner systems, generated once per session (never modified)."""
    from hub.demo import generate_population
    from hub.demo.writers import write_partner_systems

    out = tmp_path_factory.mktemp("demo_systems") / "partners"
    write_partner_systems(generate_population(DEMO_HOUSEHOLDS, seed=DEMO_SEED), out)
    return out


@pytest.fixture
def demo_home(
    demo_systems: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """HUB_HOME with fresh copies of the demo partner systems, nothing extracted yet."""
    yield make_home(demo_systems, tmp_path / "hub", monkeypatch)
