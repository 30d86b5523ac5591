"""The pipeline's calls into the merged store (``hub.store``), in one place."""

import pandas as pd
import sqlalchemy as sa

from foundation.errors import StoreError
from foundation.settings import Settings
from hub.store.decisions import decisions_for_matching
from hub.store.engine import make_engine, open_store
from hub.store.fingerprint import input_hash
from hub.store.ids import previous_assignments
from hub.store.versions import built_from, current_version, current_version_id
from pipelines.linkstore import saved_info


def steward_decisions(settings: Settings) -> pd.DataFrame:
    """The steward decisions in force, as matching takes them.

    Opening the store creates or upgrades it, so the first run on a fresh home works.
    """
    engine = open_store(settings.store_url)
    try:
        return decisions_for_matching(engine)
    finally:
        engine.dispose()


def previous_assignment(settings: Settings) -> pd.DataFrame:
    """The published version's assignments (for stable IDs); read only when linking runs."""
    engine = open_store(settings.store_url)
    try:
        return previous_assignments(engine)
    finally:
        engine.dispose()


def is_published(settings: Settings, fingerprint: str | None) -> bool:
    """True when the published version was built from inputs with ``fingerprint``."""
    engine = open_store(settings.store_url)
    try:
        with engine.connect() as conn:
            return built_from(current_version(conn), fingerprint)
    finally:
        engine.dispose()


def input_fingerprint(
    persons: pd.DataFrame, registrations: pd.DataFrame, decisions: pd.DataFrame | None,
    config_version: str,
) -> str:
    """The fingerprint publishing computes for these inputs (``hub.store.fingerprint``)."""
    return input_hash(persons, registrations, decisions, config_version)


def output_is_published(settings: Settings) -> bool:
    """True when the saved linking result was made from the published version's inputs.

    Then the merged output is the published version itself, which passed the blocking merged
    check before it was published; checking it again would only repeat that work.
    """
    saved = saved_info(settings.linking)
    return saved is not None and is_published(settings, saved.get("input_hash"))


def has_published_version(settings: Settings) -> bool:
    """True when a full run published a version (then a delivery can be published
    incrementally). Creates nothing: a missing or empty store is simply False."""
    try:
        engine = make_engine(settings.store_url, create=False)
    except StoreError:
        return False
    try:
        with engine.connect() as conn:
            return current_version_id(conn) is not None
    except sa.exc.SQLAlchemyError:  # no tables yet
        return False
    finally:
        engine.dispose()
