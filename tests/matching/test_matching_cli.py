"""``hub link`` end to end on a small generated population."""

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from hub.cli import app
from hub.demo import generate_population


def test_hub_link_writes_one_row_per_input_row_and_a_review_list(tmp_path: Path) -> None:
    population = generate_population(40, seed=5)
    persons = population.persons
    half = len(persons) // 2
    first, second = tmp_path / "a.csv", tmp_path / "b.parquet"
    persons.iloc[:half].to_csv(first, index=False)
    persons.iloc[half:].drop(columns=["street", "city"]).to_parquet(second, index=False)
    out = tmp_path / "links.csv"
    result = CliRunner().invoke(app, ["link", str(first), str(second), "--out", str(out),
                                      "--stats", str(tmp_path / "stats.json")])
    assert result.exit_code == 0, result.output
    assigned = pd.read_csv(out, dtype="str", keep_default_na=False)
    assert list(assigned.columns) == ["source", "source_record_id", "person_id", "household_id"]
    assert len(assigned) == len(persons)
    assert set(zip(assigned["source"], assigned["source_record_id"], strict=True)) == set(
        zip(persons["source"], persons["source_record_id"], strict=True))
    # A reporter has a household only when the same person is a member through another record.
    roles = persons.set_index(["source", "source_record_id"])["role"]
    assigned["member_row"] = [roles[(s, r)] != "reporter" for s, r in
                              zip(assigned["source"], assigned["source_record_id"], strict=True)]
    members = assigned.groupby("person_id")["member_row"].transform("any")
    assert (assigned.loc[~members, "household_id"] == "").all()
    assert (assigned.loc[members, "household_id"] != "").all()
    review = pd.read_csv(tmp_path / "links.review.csv")
    assert "reason" in review.columns
    assert (tmp_path / "stats.json").exists()
    for bsn in persons["bsn"].dropna():
        assert bsn not in result.output


def test_hub_link_refuses_an_unknown_output_format(tmp_path: Path) -> None:
    source = tmp_path / "a.csv"
    pd.DataFrame({"source": ["vt"], "source_record_id": ["1"]}).to_csv(source, index=False)
    result = CliRunner().invoke(app, ["link", str(source), "--out", str(tmp_path / "x.json")])
    assert result.exit_code != 0


def test_hub_link_names_the_file_that_lacks_a_required_column(tmp_path: Path) -> None:
    source = tmp_path / "a.csv"
    pd.DataFrame({"source": ["vt"]}).to_csv(source, index=False)
    result = CliRunner().invoke(app, ["link", str(source), "--out", str(tmp_path / "o.csv")])
    assert result.exit_code == 1
    assert "source_record_id" in result.output and "a.csv" in result.output
