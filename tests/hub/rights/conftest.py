"""Fixtures of the rights tests: the web tests' known family (tests/hub/web/web_store.py) in a
migrated store, with a settings home, and the partner configuration of the repository."""

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from web_store import PASSWORD, fill_store

from foundation.settings import Settings
from hub.access.users import create_user
from hub.store.engine import make_engine, upgrade


@pytest.fixture(scope="session", autouse=True)
def _cheap_argon2() -> Iterator[None]:
    """Argon2id's cheapest parameters: the same code path, logins in microseconds."""
    from argon2 import PasswordHasher, profiles

    from hub.access import passwords

    saved = passwords._hasher, passwords._DUMMY_HASH
    passwords._hasher = PasswordHasher.from_parameters(profiles.CHEAPEST)
    passwords._DUMMY_HASH = passwords._hasher.hash("dummy-password-for-timing")
    yield
    passwords._hasher, passwords._DUMMY_HASH = saved


@pytest.fixture
def family(hub_settings: Settings) -> Iterator[sa.Engine]:
    """The store at ``hub_settings.store_url`` with the family published and one account per
    role: staff, blijf (staff of blijf_groep), steward, admin and privacy (privacy officer)."""
    upgrade(hub_settings.store_url)
    engine = make_engine(hub_settings.store_url)
    fill_store(engine)
    for name, role, partner in (("staff", "staff", None), ("blijf", "staff", "blijf_groep"),
                                ("steward", "steward", None), ("admin", "admin", None),
                                ("privacy", "privacy_officer", None)):
        create_user(engine, name, PASSWORD, role, partner=partner, display_name=name.title())
    yield engine
    engine.dispose()


@pytest.fixture
def partners(hub_settings: Settings):
    from connectors.config import load_config
    from hub.rights.report import partner_infos

    return partner_infos(load_config(hub_settings))
