"""Retention on a real pipeline run: the next run re-links what remains consistently."""

from datetime import date
from pathlib import Path

import dagster as dg
import pytest
import sqlalchemy as sa

PARTNER_ENV = ("HUB_STORE_URL", "HUB_PARTNERS_CONFIG", "JBRA_API_URL", "JBRA_API_TOKEN",
               "RVDK_DB_URL", "LDH_DB_URL", "DAGSTER_HOME")


def _records(url: str) -> dict[tuple[str, str], str]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT source, source_record_id, person_id FROM current_source_records")).all()
    engine.dispose()
    return {(r[0], r[1]): r[2] for r in rows}


def _dangling(url: str) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        count = conn.execute(sa.text(
            "SELECT count(*) FROM current_person_links l LEFT JOIN current_persons p "
            "ON p.person_id = l.person_id WHERE p.person_id IS NULL")).scalar()
    engine.dispose()
    return count


def test_after_retention_the_next_run_keeps_the_remaining_links(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from connectors.config import load_config
    from foundation.settings import get_settings
    from hub.demo import generate_population
    from hub.demo.writers import write_partner_systems
    from hub.store import retention
    from hub.store.engine import open_store
    from pipelines.erasure import erase_everywhere
    from pipelines.runner import run_pipeline

    home = tmp_path / "hub"
    write_partner_systems(generate_population(30, seed=7), home / "partners")
    monkeypatch.setenv("HUB_HOME", str(home))
    for name in PARTNER_ENV:
        monkeypatch.delenv(name, raising=False)
    settings = get_settings()
    instance = dg.DagsterInstance.ephemeral()
    run_pipeline(instance=instance, settings=settings)
    engine = open_store(settings.store_url)
    policies = {k: p.retention for k, p in load_config(settings).partners.items()}
    before = _records(settings.store_url)
    applied = retention.apply(settings, engine, policies, erase_everywhere, date(2026, 12, 4))
    gone = {(p, r) for p, e in applied.plan.partners.items() for r in e.record_ids}
    assert gone & set(before)  # (a case may also name a record that is not published)
    remaining = _records(settings.store_url)
    assert set(remaining) == set(before) - gone
    assert {k: before[k] for k in remaining} == remaining  # no person id moved
    run_pipeline(instance=instance, settings=settings)
    again = _records(settings.store_url)
    assert again == remaining  # re-linked the same way; nothing expired came back
    assert _dangling(settings.store_url) == 0
    assert retention.plan(engine, policies, date(2026, 12, 4)).empty
    engine.dispose()
