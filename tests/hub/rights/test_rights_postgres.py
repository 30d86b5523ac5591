"""Disputes, retention and an access report on PostgreSQL (the production store)."""

from dataclasses import replace
from datetime import date

import pytest
import sqlalchemy as sa
from web_store import fill_store

from connectors.config import load_config
from foundation.settings import Settings
from hub.rights.report import partner_infos, produce
from hub.store import disputes, retention
from hub.store.engine import open_store
from pipelines.erasure import erase_everywhere
from schemas import store as s


@pytest.mark.postgres
def test_rights_on_postgresql(pg_url: str, hub_settings: Settings) -> None:
    engine = open_store(pg_url)
    settings = replace(hub_settings, store_url=pg_url)
    try:
        fill_store(engine)
        dispute = disputes.add(engine, "veilig_thuis", "VT-2", "birth_date", "steward")
        report = produce(engine, partner_infos(load_config(settings)), "P-CHILD", "AVG-PG-1",
                         actor="cli:test")
        assert "Betwist" in report.html or "betwist" in report.html
        assert [d.dispute_id for d in report.subject.disputes] == [dispute.dispute_id]
        rg = s.registrations.c
        with engine.begin() as conn:
            conn.execute(s.registrations.update().where(rg.case_id == "M-1").values(
                status="afgesloten", end_date=date(2023, 6, 1)))
        policies = {k: p.retention for k, p in load_config(settings).partners.items()}
        applied = retention.apply(settings, engine, policies, erase_everywhere, date(2026, 12, 4))
        assert applied.plan.partners["veilig_thuis"].record_ids == {"VT-1", "VT-2", "VT-3"}
        with engine.connect() as conn:
            left = set(conn.execute(sa.select(s.source_records.c.source_record_id)).scalars())
        assert left == {"BG-1", "J-2", "R-5", "W-1"}
        assert disputes.listing(engine, status=None) == []
    finally:
        engine.dispose()
