"""CSV files the hub writes never carry a spreadsheet formula from partner data (issue 16, 5)."""

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from foundation.csv_safety import neutralise, restore
from hub.cli import app
from hub.demo import generate_population

HOSTILE = ("=HYPERLINK(\"http://x\")", "+31", "-2+3", "@SUM(A1)", "\tx", "\rx")


def test_neutralise_and_restore_round_trip():
    for value in HOSTILE:
        assert neutralise(value).startswith("'")
        assert restore(neutralise(value)) == value
    for value in ("VT-1", "Jansen", 12, None, "'plain"):
        assert neutralise(value) == value and restore(value) == value


def test_hub_link_output_and_review_list_hold_no_formula(tmp_path: Path) -> None:
    persons = generate_population(20, seed=3).persons.copy()
    ids = list(persons["source_record_id"])
    for i, value in enumerate(HOSTILE[:4]):
        ids[i] = value
        persons.loc[persons.index[i + 4], "surname"] = value
    persons["source_record_id"] = ids
    source = tmp_path / "persons.csv"
    persons.to_csv(source, index=False)
    out = tmp_path / "links.csv"
    result = CliRunner().invoke(app, ["link", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    for written in (out, tmp_path / "links.review.csv"):
        cells = pd.read_csv(written, dtype="str", keep_default_na=False).to_numpy().ravel()
        assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))], written
    assigned = pd.read_csv(out, dtype="str", keep_default_na=False)
    assert "'=HYPERLINK(\"http://x\")" in set(assigned["source_record_id"])
    again = CliRunner().invoke(app, ["link", str(source), "--out", str(tmp_path / "b.csv"),
                                     "--previous", str(out)])
    assert again.exit_code == 0, again.output
    second = pd.read_csv(tmp_path / "b.csv", dtype="str", keep_default_na=False)
    assert second["person_id"].tolist() == assigned["person_id"].tolist()  # ids round-trip
