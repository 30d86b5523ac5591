"""The harsh profile: each record-level hard case of issue 10 is present, named in the truth and
really in the rows; the normal and hard profiles are left exactly as they were."""

import pandas as pd
import pyarrow as pa
import pytest

from hub.demo import generate_population
from hub.demo.profiles import HARD, HARSH, NORMAL, PROFILES
from schemas.canonical import PARTIAL_DATE_PATTERN, PERSON_SCHEMA


@pytest.fixture(scope="module")
def harsh():
    return generate_population(1500, seed=11, profile="harsh")


def _labels(column: pd.Series) -> pd.Series:
    return column.fillna("").str.split(r"[|+]", regex=True)


def test_harsh_names_every_hard_case_in_the_truth(harsh) -> None:
    names = set(_labels(harsh.truth["name_errors"]).explode())
    records = set(_labels(harsh.truth["record_errors"]).explode())
    dates = set(harsh.truth["date_error"])
    assert {"surname_missing", "first_name_missing", "names_swapped", "first_name_replaced",
            "first_name_scrambled", "caps_given_names", "caps_surname"} <= names
    assert {"first_name_age_only", "sex_wrong", "name_missing_date_error"} <= records
    assert {"estimated_age", "missing", "typo"} <= dates


def test_harsh_rows_fit_the_schema_and_show_their_case(harsh) -> None:
    persons, truth = harsh.persons, harsh.truth
    pa.Table.from_pandas(persons, schema=PERSON_SCHEMA, preserve_index=False)
    assert persons["birth_date"].dropna().map(lambda d: bool(PARTIAL_DATE_PATTERN.match(d))).all()
    age_only = truth["record_errors"].str.contains("first_name_age_only")
    rows = persons[age_only]
    assert (rows["source"] == "veilig_thuis").all() and (rows["role"] == "child").all()
    assert rows["surname"].isna().all() and rows["bsn"].isna().all()
    # the call name is the true one: no earlier name error is claimed for these rows
    assert truth.loc[age_only, "name_errors"].str.fullmatch(
        r"surname_missing(\|caps_given_names)?").all()
    assert rows["birth_date"].dropna().str.fullmatch(r"\d{4}").all()
    estimated = rows["birth_date"].notna()
    true_year = truth.loc[age_only & persons["birth_date"].notna(), "true_birth_date"].str[:4]
    assert (rows.loc[estimated, "birth_date"].astype(int) - true_year.astype(int)).abs().le(1).all()
    caps = truth["name_errors"].str.contains("caps_given_names")
    assert (persons.loc[caps, "first_names"] == persons.loc[caps, "first_names"].str.upper()).all()
    typo = truth["record_errors"].str.contains("name_missing_date_error")
    wrong_date = persons.loc[typo, "birth_date"] != truth.loc[typo, "true_birth_date"]
    assert wrong_date.all()
    assert (persons.loc[typo, "first_names"].isna() | persons.loc[typo, "surname"].isna()).all()


def test_names_swapped_puts_the_surname_in_the_first_name_field(harsh) -> None:
    swapped = harsh.truth["name_errors"].str.contains("names_swapped")
    rows = harsh.persons[swapped]
    assert len(rows) > 5
    # a swapped surname never looks like initials; the first name now sits in the surname field
    assert not rows["first_names"].str.contains(r"\.", regex=True).any()


def test_harsh_cases_are_off_in_normal_and_hard() -> None:
    assert not NORMAL.has_harsh_cases and not HARD.has_harsh_cases and HARSH.has_harsh_cases
    assert set(PROFILES) == {"normal", "hard", "harsh"}
    pop = generate_population(300, seed=4, profile="hard")
    assert (pop.truth["record_errors"] == "").all()
    labels = set(_labels(pop.truth["name_errors"]).explode())
    assert not labels & {"caps_given_names", "names_swapped", "surname_missing"}


def test_harsh_is_deterministic_per_seed() -> None:
    a = generate_population(200, seed=9, profile="harsh")
    b = generate_population(200, seed=9, profile="harsh")
    pd.testing.assert_frame_equal(a.persons, b.persons)
    pd.testing.assert_frame_equal(a.truth, b.truth)
    assert not a.persons.equals(generate_population(200, seed=10, profile="harsh").persons)
