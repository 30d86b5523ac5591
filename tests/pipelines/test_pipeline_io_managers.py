"""The linking hand-over: what linked_persons returns is what the household summary and publishing
read."""

import stat
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import pandas as pd

from matching import LinkResult
from pipelines.io_managers import Linked, LinkingIOManager, Validated, ValidatedIOManager
from pipelines.linkstore import saved_info
from pipelines.resources import HubResource


def _result(weight: float) -> LinkResult:
    frame = pd.DataFrame({"source": ["jbra"], "source_record_id": ["r1"], "person_id": ["P-1"],
                          "household_id": ["H-1"], "match_weight": [weight],
                          "explanation": ["{}"]})
    return LinkResult(assignments=frame[["source", "source_record_id", "person_id",
                                         "household_id"]],
                      links=frame, review=frame[["match_weight"]],
                      events=pd.DataFrame({"kind": []}),
                      household_links=pd.DataFrame({"household_id": []}),
                      stats={"persons": 1}, config_version="v1")


def test_a_handed_over_result_is_read_back_with_the_columns_asked_for(tmp_path: Path) -> None:
    manager = LinkingIOManager(hub=HubResource(home=str(tmp_path)))
    decisions = pd.DataFrame({"decision": ["must_link"]})
    manager.handle_output(dg.build_output_context(), Linked(_result(7.5), "fp-1", decisions))
    assert saved_info(tmp_path / "linking")["input_hash"] == "fp-1"
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in (tmp_path / "linking").iterdir())
    full = manager.load_input(dg.build_input_context())
    assert full.links["explanation"].tolist() == ["{}"] and full.config_version == "v1"
    narrow = manager.load_input(dg.build_input_context(
        definition_metadata={"columns": {"links": ["person_id"]}}))
    assert list(narrow.links.columns) == ["person_id"]


def test_a_reused_result_is_not_written_again(tmp_path: Path) -> None:
    manager = LinkingIOManager(hub=HubResource(home=str(tmp_path)))
    manager.handle_output(dg.build_output_context(), Linked(_result(7.5), "fp-1", None))
    manager.handle_output(dg.build_output_context(),
                          Linked(_result(1.0), "fp-2", None, reused=True))
    assert saved_info(tmp_path / "linking")["input_hash"] == "fp-1"
    assert manager.load_input(dg.build_input_context()).links["match_weight"].tolist() == [7.5]


def _validated(record_id: str) -> Validated:
    persons = pd.DataFrame({"source": ["jbra"], "source_record_id": [record_id],
                            "surname": ["Jansen"], "address_confidential": [False],
                            "extracted_at": [pd.Timestamp("2026-12-01 06:00", tz="UTC")],
                            "origin": ["clients.csv"], "origin_row": [2], "content_hash": ["h"]})
    return Validated(persons=persons, registrations=pd.DataFrame({"source": ["jbra"]}).iloc[:0],
                     held_back=persons.iloc[:0],
                     extracted_at=datetime(2026, 12, 1, 6, 0, tzinfo=UTC), run_id="run-1")


def test_validated_rows_are_handed_over_owner_only_and_a_blocked_partner_keeps_its_last_good(
    tmp_path: Path,
) -> None:
    manager = ValidatedIOManager(hub=HubResource(home=str(tmp_path)))
    staged = dg.AssetKey(["jbra", "staged"])
    manager.handle_output(dg.build_output_context(asset_key=staged), _validated("r1"))
    manager.handle_output(dg.build_output_context(asset_key=staged), None)  # blocked
    rows = manager.load_input(dg.build_input_context(asset_key=staged))
    assert rows is not None and rows.persons["source_record_id"].tolist() == ["r1"]
    assert rows.registrations is not None and rows.registrations.empty
    folder = tmp_path / "validated" / "jbra"
    assert {f.name for f in folder.iterdir()} == {
        "persons.parquet", "registrations.parquet", "held_back.parquet", "info.json"}
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in folder.iterdir())
    assert manager.load_input(dg.build_input_context(
        asset_key=dg.AssetKey(["wss", "staged"]))) is None  # never validated: nothing
