"""Fixtures for connector tests: a partner configuration built from a YAML snippet."""

import textwrap
from collections.abc import Callable

import pytest
import yaml

from connectors.config import HubConfig, parse_config
from foundation.settings import Settings


@pytest.fixture
def make_config(hub_settings: Settings) -> Callable[[str], HubConfig]:
    """Build a validated configuration from a YAML text (dedented), in the test's HUB_HOME."""

    def build(text: str, environ: dict[str, str] | None = None) -> HubConfig:
        # The tests run on demo partner systems: HUB_DEMO=1 unless a test says otherwise.
        return parse_config(yaml.safe_load(textwrap.dedent(text)), hub_settings,
                            environ={"HUB_DEMO": "1", **(environ or {})})

    return build
