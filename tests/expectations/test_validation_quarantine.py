"""Row-level failures quarantine exactly the failing rows, durably, and listings stay masked."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner
from validation_cases import GOOD_BSN, PARTNER, TODAY, person, registration

from foundation.quarantine import read_quarantine
from foundation.settings import Settings, get_settings
from hub.cli import app
from pipelines.validation import PartnerValidation, validate_partner

SECRET_POSTCODE = "1502CD"


def _staging(stage, home: Path) -> None:
    persons = [
        person(0),
        person(1, bsn="111222334"),                      # elfproef: row-level
        person(2, sex="F", postcode="1501SA"),           # two row-level rules, one row
        person(3, address_confidential=True, postcode=SECRET_POSTCODE, house_number=0),
        person(4),
    ]
    registrations = [registration(0), registration(1, person_record_ids=["r0", "missing"])]
    stage(home, PARTNER, persons, registrations)


@pytest.fixture(scope="module")
def validated(tmp_path_factory) -> tuple[Settings, PartnerValidation]:
    """One partner validated once (run-1, with Data Docs); shared by the read-only tests."""
    from validation_cases import write_staging

    settings = get_settings(tmp_path_factory.mktemp("hub"))
    _staging(write_staging, settings.home)
    return settings, validate_partner(settings, PARTNER, "run-1", today=TODAY)


def test_row_failures_quarantine_exactly_the_failing_rows(validated) -> None:
    hub_settings, result = validated

    assert not result.blocked
    assert list(result.persons.passed["source_record_id"]) == ["r0", "r4"]
    assert list(result.registrations.passed["case_id"]) == ["c0"]

    held = read_quarantine(hub_settings.quarantine, partner=PARTNER, run_id="run-1")
    by_rule = sorted(zip(held["source_record_id"], held["rule"], held["severity"], strict=True))
    assert by_rule == [
        ("c1", "registration_persons_exist", "row"),
        ("r1", "bsn_elfproef", "row"),
        ("r2", "postcode_format", "row"),
        ("r2", "sex_in_vocabulary", "row"),
        ("r3", "house_number_range", "row"),
    ]
    assert set(held["stage"]) == {"validate"}
    assert list(held.loc[held["source_record_id"] == "r1", "origin_row"]) == [2]
    assert not held["reason"].str.contains(r"\d{9}|1502", regex=True).any()


def test_validating_twice_in_a_run_does_not_duplicate(validated) -> None:
    settings, _ = validated
    validate_partner(settings, PARTNER, "run-1", today=TODAY, docs=False)
    assert len(read_quarantine(settings.quarantine, run_id="run-1")) == 5


RELOAD = """
import sys
from pathlib import Path
from foundation.quarantine import masked_records, read_quarantine
frame = read_quarantine(Path(sys.argv[1]), partner=sys.argv[2])
print(len(frame), sorted(set(frame["rule"])))
"""


def test_quarantine_survives_a_restart(validated) -> None:
    hub_settings, _ = validated
    fresh = subprocess.run([sys.executable, "-c", RELOAD, str(hub_settings.quarantine), PARTNER],
                           capture_output=True, text=True, check=True).stdout
    assert fresh.strip() == ("5 ['bsn_elfproef', 'house_number_range', 'postcode_format', "
                             "'registration_persons_exist', 'sex_in_vocabulary']")


def test_quarantine_list_is_masked(validated, wide_console, monkeypatch) -> None:
    monkeypatch.setenv("HUB_HOME", str(validated[0].home))
    listing = CliRunner().invoke(
        app, ["quarantine", "list", "--partner", PARTNER, "--run", "run-1", "--records"],
        env={"COLUMNS": "400"}).output
    assert "bsn_elfproef" in listing and "house_number_range" in listing
    assert "111222334" not in listing and GOOD_BSN not in listing
    assert SECRET_POSTCODE not in listing
    assert "*******34" in listing
    limited = CliRunner().invoke(app, ["quarantine", "list", "--limit", "2"],
                                 env={"COLUMNS": "400"}).output
    assert "2 of 5 rows" in limited


def test_hub_validate_exit_code_and_report(hub_settings, stage, wide_console) -> None:
    _staging(stage, hub_settings.home)
    runner = CliRunner()
    ok = runner.invoke(app, ["validate", "--partner", PARTNER, "--run-id", "cli-1"],
                       env={"COLUMNS": "200"})
    assert ok.exit_code == 0, ok.output
    assert "bsn_elfproef" in ok.output and "Data Docs" in ok.output
    assert (hub_settings.data_docs / "gx" / "uncommitted" / "data_docs" / "local_site"
            / "index.html").exists()
    assert len(read_quarantine(hub_settings.quarantine, run_id="cli-1")) == 5

    stage(hub_settings.home, "rvdk", [person(0)], [])  # rows of another partner: blocking
    blocked = runner.invoke(app, ["validate", "--partner", "rvdk", "--dry-run"],
                            env={"COLUMNS": "200"})
    assert blocked.exit_code == 1
    assert "person_source_is_partner" in blocked.output


def test_data_docs_hold_no_personal_values(validated) -> None:
    hub_settings, result = validated
    pages = [p.read_text(encoding="utf-8") for p in hub_settings.data_docs.rglob("*")
             if p.is_file() and p.suffix in {".html", ".json"}]
    assert result.data_docs and result.data_docs.exists()
    assert any("bsn_elfproef" in page or "_hub_bsn_elfproef" in page for page in pages)
    assert not any("111222334" in page or SECRET_POSTCODE in page for page in pages)


def test_empty_staging_validates(hub_settings) -> None:
    result = validate_partner(hub_settings, PARTNER, "run-empty", today=TODAY, docs=False)
    assert not result.blocked
    assert isinstance(result.persons.passed, pd.DataFrame) and result.persons.passed.empty


def test_quarantine_list_in_a_narrow_terminal_is_one_line_per_row(validated, monkeypatch) -> None:
    from hub.console import console

    monkeypatch.setenv("HUB_HOME", str(validated[0].home))
    monkeypatch.setattr(console, "_width", 80)
    listing = CliRunner().invoke(app, ["quarantine", "list", "--partner", PARTNER]).output
    rows = [line for line in listing.splitlines() if line[:2] in {f"{n}." for n in range(1, 6)}]
    assert len(rows) == 5
    assert any("bsn_elfproef (bsn, row)" in row for row in rows)
    assert "111222334" not in listing
