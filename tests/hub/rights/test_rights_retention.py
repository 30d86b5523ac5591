"""Retention: exactly what passed its term is erased everywhere, the dry run changes nothing,
the remaining links stay valid, and a hub term longer than the partner's own is refused."""

import copy
import hashlib
import json
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa
import yaml
from typer.testing import CliRunner

from connectors.config import load_config, parse_config
from connectors.retention import RetentionPolicy, Term
from connectors.staging import staging_path
from foundation.errors import ConfigError
from foundation.settings import Settings
from hub.cli import app
from hub.store import disputes, retention
from hub.store.snapshots import export_version, snapshot_folder
from pipelines.erasure import erase_everywhere
from schemas import store as s

runner = CliRunner()
AS_OF = date(2026, 12, 4)
REPO_CONFIG = Path(__file__).resolve().parents[3] / "connectors" / "partners.yaml"


# --- configuration ------------------------------------------------------------------------------


def _raw() -> dict:
    return copy.deepcopy(yaml.safe_load(REPO_CONFIG.read_text(encoding="utf-8")))


def test_the_repository_configuration_declares_every_partners_terms(
        hub_settings: Settings) -> None:
    config = load_config(hub_settings)
    for key, partner in config.partners.items():
        assert partner.retention is not None and partner.contact is not None, key
        assert partner.retention.default.years <= 2, key  # never more than the Verwijsindex


@pytest.mark.parametrize(("partner", "case_type", "term"), [
    ("jbra", "ots", {"years": 26, "from": "case_end"}),  # GI: 30 after majority = 25 after 23
    ("blijf_groep", "opvang", {"years": 21, "from": "household_activity"}),  # own: 20 years
    ("rvdk", "beschermingsonderzoek", {"years": 78, "from": "case_end"}),  # 100 after birth
])
def test_a_hub_term_longer_than_the_partners_own_is_refused(
        hub_settings: Settings, partner: str, case_type: str, term: dict) -> None:
    raw = _raw()
    raw["partners"][partner]["retention"]["case_types"] = {case_type: term}
    with pytest.raises(ConfigError) as error:
        parse_config(raw, hub_settings)
    assert error.value.partner == partner and case_type in str(error.value)
    assert error.value.field == f"retention.case_types.{case_type}"


@pytest.mark.parametrize("change", [
    {"partner_term": {"years": 5, "from": "wedding"}},
    {"partner_term": {"years": -1, "from": "case_end"}},
    {"case_types": {"parking_ticket": {"years": 1, "from": "case_end"}}},
    {"default": {"years": "two", "from": "case_end"}},
])
def test_a_malformed_retention_block_is_refused(hub_settings: Settings, change: dict) -> None:
    raw = _raw()
    raw["partners"]["wss"]["retention"].update(change)
    with pytest.raises(ConfigError) as error:
        parse_config(raw, hub_settings)
    assert error.value.partner == "wss"


def test_a_missing_partner_term_is_refused(hub_settings: Settings) -> None:
    raw = _raw()
    del raw["partners"]["ldh"]["retention"]["partner_term"]
    with pytest.raises(ConfigError, match="partner_term"):
        parse_config(raw, hub_settings)


# --- the pure decision -----------------------------------------------------------------------


def _policy(partner: str, own: Term, **types: Term) -> RetentionPolicy:
    return RetentionPolicy(partner, own, Term(2, "case_end"), dict(types))


def _frames(cases: list[tuple], named: list[tuple], records: list[tuple]) -> tuple:
    return (pd.DataFrame(cases, columns=["source", "case_id", "case_type", "start_date",
                                         "end_date"]),
            pd.DataFrame(named, columns=["source", "case_id", "source_record_id"]),
            pd.DataFrame(records, columns=["source", "source_record_id", "household_id", "role",
                                           "birth_date"]))


def test_a_case_expires_its_term_after_its_end_and_open_cases_never() -> None:
    frames = _frames(
        [("wss", "C1", "ots", date(2020, 1, 1), date(2024, 12, 3)),
         ("wss", "C2", "ots", date(2020, 1, 1), date(2024, 12, 5)),
         ("wss", "C3", "ots", date(2020, 1, 1), None)],
        [("wss", "C1", "A"), ("wss", "C2", "B"), ("wss", "C3", "B"), ("wss", "C3", "C")],
        [("wss", "A", "H1", "child", "2012-01-01"), ("wss", "B", "H2", "child", "2012-01-01"),
         ("wss", "C", "H2", "parent_with_custody", "1980"), ("wss", "D", "H3", "child", None)])
    plan = retention.expired(*frames, {"wss": _policy("wss", Term(30, "majority"))}, AS_OF)
    gone = plan.partners["wss"]
    assert gone.case_ids == {"C1"}  # C2 ends its term on 05-12-2026, C3 is open
    assert gone.record_ids == {"A"}  # B is also in the open case C3
    assert gone.by_case_type == {"ots": {"cases": 1, "records": 1}}
    assert plan.unjudged_records == {"wss": 1}  # D is named by no case


def test_household_activity_counts_from_the_last_case_of_any_member() -> None:
    policy = _policy("jbra", Term(30, "majority"), voogdij=Term(2, "household_activity"))
    cases = [("jbra", "V1", "voogdij", date(2018, 1, 1), date(2020, 1, 1)),
             ("veilig_thuis", "M1", "melding", date(2024, 1, 1), date(2025, 6, 1))]
    named = [("jbra", "V1", "J1"), ("veilig_thuis", "M1", "VT1")]
    records = [("jbra", "J1", "H1", "child", "2010-05-05"),
               ("veilig_thuis", "VT1", "H1", "child", "2010-05-05")]
    plan = retention.expired(*_frames(cases, named, records), {"jbra": policy}, AS_OF)
    assert "jbra" not in plan.partners  # the household was active in 2025: kept until 2027
    later = retention.expired(*_frames(cases, named, records), {"jbra": policy},
                              date(2027, 6, 1))
    assert later.partners["jbra"].case_ids == {"V1"}
    assert later.no_policy == ["veilig_thuis"]  # no policy: nothing of it expires
    still_open = [*cases, ("veilig_thuis", "M2", "melding", date(2026, 1, 1), None)]
    named_open = [*named, ("veilig_thuis", "M2", "VT1")]
    plan = retention.expired(*_frames(still_open, named_open, records), {"jbra": policy},
                             date(2030, 1, 1))
    assert "jbra" not in plan.partners  # an open case anywhere keeps the household active


def test_the_partners_own_shorter_term_caps_the_hubs() -> None:
    """Veilig Thuis keeps its file until the youngest child is 18: the hub not a day longer."""
    policy = _policy("veilig_thuis", Term(0, "youngest_child_majority"))
    frames = _frames([("veilig_thuis", "M1", "melding", date(2025, 1, 1), date(2026, 1, 1))],
                     [("veilig_thuis", "M1", "K"), ("veilig_thuis", "M1", "O")],
                     [("veilig_thuis", "K", "H1", "child", "2008-06-01"),
                      ("veilig_thuis", "O", "H1", "parent_with_custody", "1975-01-01")])
    assert retention.expired(*frames, {"veilig_thuis": policy},
                             date(2026, 5, 31)).partners == {}
    plan = retention.expired(*frames, {"veilig_thuis": policy}, date(2026, 6, 1))
    assert plan.partners["veilig_thuis"].record_ids == {"K", "O"}


# --- applying it to the store and every file ----------------------------------------------------


def _close_cases(engine: sa.Engine) -> None:
    """Veilig Thuis's melding M-1 ended mid 2023 (past its 2 years); Blijf Groep's opvang BG-9
    ended in June 2026 (within its 1 year); JBRA's OTS runs."""
    rg = s.registrations.c
    with engine.begin() as conn:
        conn.execute(s.registrations.update().where(rg.case_id == "M-1").values(
            status="afgesloten", end_date=date(2023, 6, 1)))
        conn.execute(s.registrations.update().where(rg.case_id == "BG-9").values(
            status="afgesloten", end_date=date(2026, 6, 1)))


def _write(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows), path)


def _files(settings: Settings, engine: sa.Engine) -> None:
    """Staged, validated and quarantined copies, and a snapshot of version 1."""
    for source, ids in (("veilig_thuis", ["VT-1", "VT-2", "VT-3"]), ("jbra", ["J-2"]),
                        ("blijf_groep", ["BG-1"])):
        rows = [{"source": source, "source_record_id": rid, "surname": f"name of {rid}",
                 "origin": f"demo:{source}"} for rid in ids]
        _write(staging_path(settings, source, "persons"), rows)
        _write(settings.home / "validated" / source / "persons.parquet", rows)
    _write(staging_path(settings, "veilig_thuis", "registrations"), [
        {"source": "veilig_thuis", "case_id": "M-1", "person_record_ids": ["VT-1", "VT-2", "VT-3"],
         "origin": "demo:veilig_thuis"}])
    _write(settings.quarantine / "veilig_thuis" / "run-1.parquet", [
        {"partner": "veilig_thuis", "source_record_id": "VT-2", "rule": "bsn", "record": "{}"},
        {"partner": "jbra", "source_record_id": "J-2", "rule": "bsn", "record": "{}"}])
    export_version(engine, snapshot_folder(settings.snapshots, 1), 1)


def _state(settings: Settings, engine: sa.Engine) -> dict[str, str]:
    """A fingerprint of every file under HUB_HOME (but the database) and every store table."""
    out = {}
    for path in sorted(settings.home.rglob("*")):
        if path.is_file() and "store" not in path.parts:
            out[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    with engine.connect() as conn:
        for table in s.metadata.sorted_tables:
            rows = conn.execute(sa.select(table)).all()
            out[table.name] = hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()
    return out


def _everything_text(settings: Settings, engine: sa.Engine) -> str:
    """Every value in every Parquet file under HUB_HOME and every store table, as one text."""
    parts = []
    for path in sorted(settings.home.rglob("*.parquet")):
        parts.append(repr(pq.read_table(path).to_pylist()))
    with engine.connect() as conn:
        for table in s.metadata.sorted_tables:
            if table.name in {"runs", "erasures", "access_audit_log"}:
                continue  # histories: ids of what was erased, never values (checked below)
            parts.append(repr(conn.execute(sa.select(table)).all()))
    return "\n".join(parts)


@pytest.fixture
def policies(hub_settings: Settings) -> dict:
    return {k: p.retention for k, p in load_config(hub_settings).partners.items()}


def test_dry_run_lists_exactly_the_expired_and_changes_nothing(
        family: sa.Engine, hub_settings: Settings, policies: dict) -> None:
    _close_cases(family)
    _files(hub_settings, family)
    before = _state(hub_settings, family)
    plan = retention.plan(family, policies, AS_OF)
    assert plan.summary() == [{"partner": "veilig_thuis", "case_type": "melding", "cases": 1,
                               "records": 3}]
    assert plan.partners["veilig_thuis"].record_ids == {"VT-1", "VT-2", "VT-3"}
    done = runner.invoke(app, ["retention", "--dry-run", "--as-of", "2026-12-04"])
    assert done.exit_code == 0, done.output
    assert "veilig_thuis" in done.output and "melding" in done.output
    assert "VT-1" not in done.output
    assert _state(hub_settings, family) == before


def test_apply_erases_exactly_the_expired_everywhere_and_links_stay_valid(
        family: sa.Engine, hub_settings: Settings, policies: dict) -> None:
    _close_cases(family)
    _files(hub_settings, family)
    disputes.add(family, "veilig_thuis", "VT-2", "birth_date", "steward", "wrong day")
    applied = retention.apply(hub_settings, family, policies, erase_everywhere, AS_OF)
    text = _everything_text(hub_settings, family)
    for gone in ("VT-1", "VT-2", "VT-3", "'M-1'", "Mohammed", "El Amrani", "P-FATHER",
                 "name of VT"):
        assert gone not in text, gone
    for kept in ("BG-1", "BG-9", "J-2", "JB-3", "R-5", "W-1", "P-MOTHER", "P-CHILD",
                 "name of J-2", "name of BG-1"):
        assert kept in text, kept
    with family.connect() as conn:
        persons = set(conn.execute(sa.select(s.persons.c.person_id)).scalars())
        records = conn.execute(sa.select(s.source_records.c.source, s.source_records.c
                                         .source_record_id, s.source_records.c.person_id)).all()
        links = conn.execute(sa.select(s.person_links.c.source, s.person_links.c
                                       .source_record_id, s.person_links.c.person_id)).all()
        members = set(conn.execute(sa.select(s.household_members.c.person_id)).scalars())
        cases = set(conn.execute(sa.select(s.registrations.c.case_id)).scalars())
        named = set(conn.execute(sa.select(s.registration_persons.c.case_id)).scalars())
        run = conn.execute(sa.select(s.runs).where(s.runs.c.run_id == applied.run_id)).one()
    assert {r.person_id for r in records} <= persons and members <= persons
    assert set(links) == set(records)  # every remaining record keeps its own link
    assert named <= cases
    assert persons == {"P-MOTHER", "P-CHILD", "P-OTHER", "P-ANNA"}
    stats = json.loads(run.stats)
    assert stats["expired"] == [{"partner": "veilig_thuis", "case_type": "melding",
                                 "cases": 1, "records": 3}]
    assert "VT-" not in run.stats and "M-1" not in run.stats and run.kind == "retention"
    assert disputes.listing(family, status=None) == []  # the dispute went with its record
    again = retention.apply(hub_settings, family, policies, erase_everywhere, AS_OF)
    assert again.plan.empty and again.erasure_runs == []


def test_the_dagster_job_applies_retention_and_reports_counts(
        family: sa.Engine, hub_settings: Settings) -> None:
    import dagster as dg

    from pipelines.defs.retention import apply_retention
    from pipelines.resources import HubResource

    _close_cases(family)
    config = {"ops": {"erase_expired": {"config": {"dry_run": True, "as_of": "2026-12-04"}}}}
    resources = {"hub": HubResource(home=str(hub_settings.home),
                                    store_url=hub_settings.store_url)}
    with dg.instance_for_test() as instance:
        result = apply_retention.execute_in_process(run_config=config, resources=resources,
                                                    instance=instance)
        assert result.success
        out = result.output_for_node("erase_expired")
        assert out["expired"] == [{"partner": "veilig_thuis", "case_type": "melding",
                                   "cases": 1, "records": 3}] and out["run_id"] is None
        with family.connect() as conn:
            assert conn.execute(sa.select(sa.func.count()).select_from(s.source_records).where(
                s.source_records.c.source == "veilig_thuis")).scalar() == 3
        config["ops"]["erase_expired"]["config"]["dry_run"] = False
        result = apply_retention.execute_in_process(run_config=config, resources=resources,
                                                    instance=instance)
        assert result.success and result.output_for_node("erase_expired")["run_id"]
    with family.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(s.source_records).where(
            s.source_records.c.source == "veilig_thuis")).scalar() == 0


def test_the_schedule_is_off_unless_asked_for() -> None:
    import dagster as dg

    from pipelines.defs.retention import retention_daily

    assert retention_daily.default_status == dg.DefaultScheduleStatus.STOPPED


def test_cli_wrong_values_exit_2_and_change_nothing(family: sa.Engine,
                                                    hub_settings: Settings) -> None:
    _close_cases(family)
    before = _state(hub_settings, family)
    for args in ([], ["--as-of", "2026-13-01", "--dry-run"], ["apply", "--as-of", "4-12-2026"],
                 ["--dry-run", "apply", "--yes"], ["history", "--limit", "0"]):
        wrong = runner.invoke(app, ["retention", *args])
        assert wrong.exit_code == 2, (args, wrong.output)
    assert _state(hub_settings, family) == before
    done = runner.invoke(app, ["retention", "apply", "--as-of", "2026-12-04", "--yes"])
    assert done.exit_code == 0, done.output
    history = runner.invoke(app, ["retention", "history"])
    assert "melding" in history.output and "VT-" not in history.output
