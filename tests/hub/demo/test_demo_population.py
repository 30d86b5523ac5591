"""The synthetic population: deterministic, canonical, and full of the hard cases matching needs."""

import pandas as pd
import pyarrow as pa
import pytest
from stdnum.nl import bsn as stdnum_bsn

from foundation.errors import ConfigError
from hub.demo import PARTNERS, generate_population
from schemas.canonical import (
    PARTIAL_DATE_PATTERN,
    PERSON_SCHEMA,
    REGISTRATION_SCHEMA,
    ROLES,
    SEXES,
)


@pytest.fixture(scope="module")
def pop():
    return generate_population(1500, seed=11, profile="hard")


def test_same_seed_gives_same_population() -> None:
    a = generate_population(200, seed=5)
    b = generate_population(200, seed=5)
    pd.testing.assert_frame_equal(a.persons, b.persons)
    pd.testing.assert_frame_equal(a.registrations, b.registrations)
    pd.testing.assert_frame_equal(a.truth, b.truth)
    assert not a.persons.equals(generate_population(200, seed=6).persons)


def test_rows_fit_the_canonical_schemas(pop) -> None:
    pa.Table.from_pandas(pop.persons, schema=PERSON_SCHEMA, preserve_index=False)
    pa.Table.from_pandas(pop.registrations, schema=REGISTRATION_SCHEMA, preserve_index=False)
    persons = pop.persons
    assert set(persons["source"]) == set(PARTNERS)
    assert persons["role"].isin(ROLES).all()
    assert persons["sex"].dropna().isin(SEXES).all()
    dates = persons["birth_date"].dropna()
    assert dates.map(lambda d: bool(PARTIAL_DATE_PATTERN.match(d))).all()
    assert not persons.duplicated(["source", "source_record_id"]).any()
    assert not pop.registrations.duplicated(["source", "case_id"]).any()


def test_every_person_row_belongs_to_a_case_of_its_partner(pop) -> None:
    listed = pop.registrations.explode("person_record_ids")
    pairs = set(zip(listed["source"], listed["person_record_ids"], strict=True))
    rows = set(zip(pop.persons["source"], pop.persons["source_record_id"], strict=True))
    assert pairs == rows


def test_truth_lines_up_with_persons(pop) -> None:
    assert (pop.truth["source_record_id"] == pop.persons["source_record_id"]).all()
    per_household = pop.truth[~pop.truth["is_reporter"]].groupby("true_household_id")
    assert per_household["source"].nunique().between(1, 4).all()


def test_size_is_about_four_records_per_household() -> None:
    pop = generate_population(3000, seed=1)
    assert 3.8 < len(pop.persons) / 3000 < 4.7
    counts = pop.persons["source"].value_counts()
    assert counts.idxmax() == "veilig_thuis"


def test_hard_cases_are_present(pop) -> None:
    truth, persons = pop.truth, pop.persons
    errors = truth["name_errors"].str.split("|").explode()
    for label in ("initials", "partner_name", "first_name_variant", "surname_variant", "typo",
                  "diacritics", "prefix_glued", "prefix_moved", "prefix_abbreviated", "ij_y",
                  "former_name"):
        assert (errors == label).any(), label
    for label in ("missing", "mistyped", "sibling", "unpadded"):
        assert truth["bsn_error"].str.contains(label).any(), label
    for label in ("swap", "placeholder", "year_only", "month_only", "typo", "missing"):
        assert (truth["date_error"] == label).any(), label
    assert truth["twin_group"].notna().any()
    assert truth["is_reporter"].any() and (persons.loc[truth["is_reporter"], "role"] ==
                                           "reporter").all()
    assert (~truth["in_scope"]).any()
    assert truth["separated_parent"].any() and truth["moved_old_address"].any()
    assert {"shelter", "group_home", "asylum_centre", "postal_address"} <= set(
        truth["special_address"])
    assert persons["address_confidential"].any()


def test_mistyped_bsns_fail_the_elfproef(pop) -> None:
    mistyped = pop.persons.loc[pop.truth["bsn_error"] == "mistyped", "bsn"]
    assert len(mistyped) > 0
    assert not mistyped.map(lambda b: stdnum_bsn.is_valid(b.zfill(9))).any()
    clean = pop.persons.loc[pop.truth["bsn_error"] == "", "bsn"]
    assert clean.map(stdnum_bsn.is_valid).all()


def test_twins_share_birth_date_and_surname_but_are_different_people(pop) -> None:
    twins = pop.truth[pop.truth["twin_group"].notna()]
    groups = twins.groupby("twin_group")["true_person_id"].nunique()
    assert (groups >= 2).all()
    assert groups.max() <= 3
    born = twins.groupby("twin_group")["true_birth_date"].nunique()
    assert (born == 1).all()


def test_shelter_addresses_are_confidential_and_shared_by_unrelated_families(pop) -> None:
    shelter = pop.truth["special_address"] == "shelter"
    assert pop.persons.loc[shelter, "address_confidential"].all()
    households_per_shelter = (
        pop.truth[shelter].groupby(pop.persons.loc[shelter, "postcode"])["true_household_id"]
        .nunique()
    )
    assert (households_per_shelter > 1).any()


def test_bad_arguments_raise_hub_errors() -> None:
    with pytest.raises(ConfigError):
        generate_population(0)
    with pytest.raises(ConfigError):
        generate_population(10, profile="extreme")
