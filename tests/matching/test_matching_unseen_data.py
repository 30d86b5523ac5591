"""Issue 10: matching that holds on data it has never seen, one test group per cause.

EM estimates in the order of their levels and with fallbacks; upper-case given names; blocking
gaps; family guards only where the data supports them; the household-context pass; the review
queue grouped by the person a decision would change. Dutch and non-Dutch cases.
"""

import json

import numpy as np
import pandas as pd
import pytest

from matching import LinkConfig, blocking_recall, candidate_pairs, link
from matching.compare import FIELD_INDEX, FIELDS, compare, level_code
from matching.defaults import DEFAULT_M, DEFAULT_U
from matching.em import LEVEL_ORDER, _chains, estimate_m, monotone
from matching.names import first_name_key
from matching.standardise import prepare


def _person_of(result, source: str, record: str) -> str:
    a = result.assignments
    return a.loc[(a["source"] == source) & (a["source_record_id"] == record), "person_id"].item()


# --- 1. EM: monotone, regularised, degenerate solutions detected -------------------------------

def _ordered(weights: np.ndarray) -> bool:
    for row, chain in _chains(np.arange(len(FIELDS))):
        values = weights[row, chain]
        if np.any(np.diff(values) < -1e-9):
            return False
    return True


def test_monotone_pools_an_exact_level_that_em_put_below_a_fuzzy_one() -> None:
    fn = FIELD_INDEX["first_name"]
    m = DEFAULT_M.copy()
    exact, near = level_code("first_name", "exact") + 1, level_code("first_name", "jw_0.92") + 1
    m[fn, exact], m[fn, near] = 0.035, 0.778  # the public set of issue 10
    m[fn, 1:8] /= m[fn, 1:8].sum()
    fixed = monotone(m, DEFAULT_U, _chains(np.arange(len(FIELDS))))
    ratio = fixed / DEFAULT_U
    assert ratio[fn, exact] >= ratio[fn, near] * (1 - 1e-9)
    assert fixed[fn, 1:8].sum() == pytest.approx(1.0)  # still a distribution


def test_em_estimates_respect_the_level_order_on_adversarial_pairs() -> None:
    """Pairs built so that unconstrained EM would see the near given name as stronger."""
    rng = np.random.default_rng(3)
    n = 4000
    levels = np.full((n, len(FIELDS)), -1, dtype=np.int8)
    levels[:, FIELD_INDEX["first_name"]] = rng.choice(
        [level_code("first_name", "jw_0.92"), level_code("first_name", "exact"),
         level_code("first_name", "different")], n, p=[0.6, 0.1, 0.3])
    levels[:, FIELD_INDEX["birth_date"]] = rng.choice(
        [level_code("birth_date", "exact"), level_code("birth_date", "different_far")], n)
    sessions = [("surname_birth_date", np.arange(n), ("surname",))]
    model = estimate_m(levels, DEFAULT_U, LinkConfig(), sessions)
    assert _ordered(model.weights())
    exact = level_code("first_name", "exact") + 1
    near = level_code("first_name", "jw_0.92") + 1
    fn = FIELD_INDEX["first_name"]
    assert model.weights()[fn, exact] >= model.weights()[fn, near]


def test_a_degenerate_em_input_falls_back_to_the_defaults_and_is_reported() -> None:
    """Every pair has one pattern: EM can learn nothing; the defaults stay and the session
    says why."""
    n = 1000
    levels = np.full((n, len(FIELDS)), -1, dtype=np.int8)
    levels[:, FIELD_INDEX["first_name"]] = level_code("first_name", "different")
    levels[:, FIELD_INDEX["sex"]] = level_code("sex", "equal")
    sessions = [("surname_birth_date", np.arange(n), ("surname", "birth_date"))]
    model = estimate_m(levels, DEFAULT_U, LinkConfig(), sessions)
    report = model.sessions[0]
    assert report.get("degenerate") == "no_matches" or report.get("degenerate_fields")
    assert "first_name" not in report.get("fields", [])
    assert np.allclose(model.m[FIELD_INDEX["first_name"]], DEFAULT_M[FIELD_INDEX["first_name"]])


def test_level_orders_name_existing_levels_only() -> None:
    for name, chains in LEVEL_ORDER.items():
        for chain in chains:
            for level in chain:
                level_code(name, level)  # raises for an unknown level


def test_fitted_model_is_reported(make_persons) -> None:
    rows = [dict(source="a", source_record_id=str(i), first_names="Jan", surname=f"Berg{i}",
                 birth_date="1980-01-02") for i in range(5)]
    model = link(make_persons(*rows)).stats["model"]
    assert "em_sessions" in model and "prior_weight" in model
    assert set(model["first_name"]["exact"]) == {"m", "u", "weight"}


# --- 2. upper-case given names are names ---------------------------------------------------------

@pytest.mark.parametrize("raw", ["UWE", "ANNA", "JAN", "BAS", "EMRE", "GERDA"])
def test_an_upper_case_given_name_is_a_name_not_initials(raw: str) -> None:
    first, _, initial, _ = first_name_key(raw)
    assert first == raw.lower() and initial == raw[0].lower()


@pytest.mark.parametrize("raw", ["J.P.", "J P", "JP", "HJM"])
def test_initials_stay_initials(raw: str) -> None:
    assert first_name_key(raw)[0] == ""


def test_upper_case_records_link_to_mixed_case_ones(make_persons) -> None:
    persons = make_persons(
        dict(source="a", source_record_id="1", first_names="GERDA", surname="BAKKER",
             birth_date="1973-12-23"),
        dict(source="b", source_record_id="2", first_names="Gerda", surname="Bakker",
             birth_date="1973-12-23"),
    )
    p = prepare(persons)
    levels = compare(p, np.array([0]), np.array([1]))
    assert levels[0, FIELD_INDEX["first_name"]] == level_code("first_name", "exact")
    result = link(persons)
    assert _person_of(result, "a", "1") == _person_of(result, "b", "2")


# --- 3. blocking gaps -----------------------------------------------------------------------------

def _pairs(persons: pd.DataFrame) -> set[frozenset[str]]:
    c = candidate_pairs(persons)
    return {frozenset((a, b)) for a, b in zip(c["left_record_id"], c["right_record_id"],
                                               strict=True)}


def test_swapped_names_are_blocked_together(make_persons) -> None:
    persons = make_persons(
        dict(source="a", source_record_id="1", first_names="Emre", surname="Yilmaz",
             birth_date="1990-04-05"),
        dict(source="b", source_record_id="2", first_names="Yilmaz", surname="Emre",
             birth_date="1990-05-04"),
    )
    pairs = candidate_pairs(persons)
    assert len(pairs) == 1 and "names_swapped" in pairs["rules"].item()


def test_names_without_a_usable_date_are_compared(make_persons) -> None:
    persons = make_persons(
        dict(source="a", source_record_id="1", first_names="Uwe", surname="Schmidt",
             birth_date="1961-07-08"),
        dict(source="b", source_record_id="2", first_names="UWE", surname="SCHMIDT"),
    )
    assert _pairs(persons) == {frozenset(("1", "2"))}


def test_a_missing_surname_with_a_year_typo_is_compared(make_persons) -> None:
    persons = make_persons(
        dict(source="a", source_record_id="1", first_names="Fatima", surname="El Amrani",
             birth_date="2012-03-14"),
        dict(source="b", source_record_id="2", first_names="Fatima", birth_date="2013-03-14"),
        dict(source="c", source_record_id="3", first_names="Lotte", surname="Visser",
             birth_date="1999-11-02", sex="V"),
        dict(source="d", source_record_id="4", surname="Visser", birth_date="1999-11-20",
             sex="V"),
    )
    assert {frozenset(("1", "2")), frozenset(("3", "4"))} <= _pairs(persons)
    truth = pd.Series(["x", "x", "y", "y"])
    assert blocking_recall(persons, truth) == 1.0


def _rules_of(persons: pd.DataFrame) -> dict[frozenset[str], str]:
    c = candidate_pairs(persons)
    return {frozenset((a, b)): rules for a, b, rules in
            zip(c["left_record_id"], c["right_record_id"], c["rules"], strict=True)}


@pytest.mark.parametrize(("left", "right", "rule"), [
    # initials on one side and a year typo (Dutch)
    (("Willem Mike", "Scholten", "1986-12-12"), ("W.M.", "Scholten", "1984-12-12"),
     "surname_day_initial"),
    # initials on one side, no date on the other
    (("Julia", "Kleijn", "2022-11-03"), ("J.", "Kleijn", None), "surname_initial"),
    # a typo in both names, exact date (non-Dutch names)
    (("Anneloes", "Cornelissen", "1975-02-11"), ("Anneleos", "Cornellisen", "1975-11-02"),
     "birth_date_name_initials"),
    (("Jessica", "Whitworth", "1968-08-30"), ("Jesicca", "Whitwroth", "1968-08-30"),
     "birth_date_name_initials"),
    # swapped names with a typo on both sides
    (("Barnaby", "Siggins", "1998-10-21"), ("Sigins", "Barnabh", "1998-10-21"),
     "birth_date_name_initials"),
])
def test_name_and_date_errors_together_are_compared(make_persons, left, right, rule) -> None:
    persons = make_persons(
        dict(source="a", source_record_id="1", first_names=left[0], surname=left[1],
             birth_date=left[2]),
        dict(source="b", source_record_id="2", first_names=right[0], surname=right[1],
             birth_date=right[2]),
    )
    rules = _rules_of(persons)
    assert frozenset(("1", "2")) in rules and rule in rules[frozenset(("1", "2"))]


def test_the_surname_initial_rule_pairs_only_initials_with_names(make_persons) -> None:
    """Two different given names of one initial are no candidates of the broad rule (its
    blocks are large at a million records); initials against a name are."""
    persons = make_persons(
        dict(source="a", source_record_id="1", first_names="Julia", surname="Kleijn"),
        dict(source="b", source_record_id="2", first_names="Jasper", surname="Kleijn",
             birth_date="2001-05-06"),
        dict(source="c", source_record_id="3", first_names="J.", surname="Kleijn"),
    )
    rules = _rules_of(persons)
    assert "surname_initial" not in rules.get(frozenset(("1", "2")), "")
    assert "surname_initial" in rules[frozenset(("1", "3"))]


# --- 4. family guards only where the data supports them -----------------------------------------

def test_a_scrambled_given_name_is_a_typo_not_a_twin(make_persons) -> None:
    persons = make_persons(
        dict(source="a", source_record_id="1", first_names="Ruben", surname="Smit",
             birth_date="2010-02-02", postcode="1501AB", house_number=3),
        dict(source="b", source_record_id="2", first_names="Bruen", surname="Smit",
             birth_date="2010-02-02", postcode="1501AB", house_number=3),
    )
    p = prepare(persons)
    level = compare(p, np.array([0]), np.array([1]))[0, FIELD_INDEX["first_name"]]
    assert level == level_code("first_name", "jw_0.92")
    result = link(persons)
    assert result.stats["twin_guard_pairs"] == 0
    assert _person_of(result, "a", "1") == _person_of(result, "b", "2")


def test_no_sibling_guard_on_a_near_exact_pair(make_persons) -> None:
    """Same names, same address, a birth date two digits off: a date error, not a sibling."""
    persons = make_persons(
        dict(source="a", source_record_id="1", first_names="Noah", surname="Jansen",
             birth_date="2014-05-17", postcode="1501AB", house_number=3, bsn="123456782"),
        dict(source="b", source_record_id="2", first_names="Noah", surname="Jansen",
             birth_date="2014-08-27", postcode="1501AB", house_number=3),
    )
    result = link(persons)
    explanation = json.loads(result.links["explanation"].iloc[0])
    assert "sibling_guard" not in explanation
    assert _person_of(result, "a", "1") == _person_of(result, "b", "2")


def test_a_replaced_given_name_in_a_names_and_dates_file_is_no_twin(make_persons) -> None:
    """Without address, dossier or sex nothing shows a twin: no -25 penalty, the pair keeps its
    plain Fellegi-Sunter weight (and is not merged on names and date alone)."""
    persons = make_persons(
        dict(source="a", source_record_id="1", first_names="MARY", surname="OBRIEN",
             birth_date="1950-01-30", street=None, city=None),
        dict(source="b", source_record_id="2", first_names="MAUREEN", surname="OBRIEN",
             birth_date="1950-01-30", street=None, city=None),
    )
    result = link(persons)
    assert result.stats["twin_guard_pairs"] == 0
    assert result.stats["model"]["family_guards"] == "pair_evidence"


def test_twins_at_one_address_stay_apart_in_a_small_file(make_persons) -> None:
    home = dict(surname="Bakker", birth_date="2016-09-09", postcode="1501AB", house_number=7)
    persons = make_persons(
        dict(source="a", source_record_id="1", first_names="Daan", sex="M", **home),
        dict(source="a", source_record_id="2", first_names="Sem", sex="M", **home),
        dict(source="b", source_record_id="3", first_names="Daan", sex="M", **home),
    )
    result = link(persons)
    assert _person_of(result, "a", "1") != _person_of(result, "a", "2")
    assert _person_of(result, "a", "1") == _person_of(result, "b", "3")


# --- 5. household context -------------------------------------------------------------------------

def _two_dossiers(make_persons, other_children: list[dict]) -> pd.DataFrame:
    """Parents known to two partners (linked on BSN and dates); children per dossier."""
    home = {"postcode": "1501AB", "house_number": 12}
    rows = [
        dict(source="vt", source_record_id="m1", first_names="Anna", surname="Vries",
             surname_prefix="de", birth_date="1985-02-03", sex="V", bsn="111222333",
             role="parent_with_custody", source_household_ref="F1", **home),
        dict(source="vt", source_record_id="f1", first_names="Mohamed", surname="Amrani",
             birth_date="1983-07-21", sex="M", bsn="123456782", role="parent_with_custody",
             source_household_ref="F1", **home),
        dict(source="vt", source_record_id="c1", first_names="Daan", surname="Amrani",
             birth_date="2015-06-01", sex="M", role="child", source_household_ref="F1", **home),
        dict(source="vt", source_record_id="c2", first_names="Sem", surname="Amrani",
             birth_date="2015-06-01", sex="M", role="child", source_household_ref="F1", **home),
        dict(source="gi", source_record_id="m9", first_names="Anna", surname="Vries",
             surname_prefix="de", birth_date="1985-02-03", sex="V", bsn="111222333",
             role="parent_with_custody", source_household_ref="D7"),
        dict(source="gi", source_record_id="f9", first_names="Mohammed", surname="Amrani",
             birth_date="1983-07-21", sex="M", bsn="123456782", role="parent_with_custody",
             source_household_ref="D7"),
    ]
    rows += [{"source": "gi", "source_household_ref": "D7", "role": "child", **c}
             for c in other_children]
    persons = make_persons(*rows)
    persons["street"], persons["city"] = None, None
    return persons


def test_a_first_name_only_child_is_linked_through_its_parents(make_persons) -> None:
    persons = _two_dossiers(make_persons, [
        dict(source_record_id="k9", first_names="Daan", birth_date="2015", sex="V"),
    ])
    result = link(persons)
    assert _person_of(result, "gi", "m9") == _person_of(result, "vt", "m1")
    assert _person_of(result, "gi", "f9") == _person_of(result, "vt", "f1")
    assert _person_of(result, "gi", "k9") == _person_of(result, "vt", "c1")
    assert _person_of(result, "gi", "k9") != _person_of(result, "vt", "c2")
    links = result.links.set_index("source_record_id")
    explanation = json.loads(links.loc["k9", "explanation"])
    assert explanation["household_context"].startswith("linked through household")
    assert result.stats["household_context_linked"] >= 1


def test_twins_stay_apart_through_the_household_pass(make_persons) -> None:
    """Both twins in the other dossier stay two people, and a child that fits both (initial
    only, or names one edit apart) is linked to neither."""
    persons = _two_dossiers(make_persons, [
        dict(source_record_id="k8", first_names="Daan"),
        dict(source_record_id="k9", first_names="Sem"),
    ])
    result = link(persons)
    assert _person_of(result, "gi", "k8") == _person_of(result, "vt", "c1")
    assert _person_of(result, "gi", "k9") == _person_of(result, "vt", "c2")
    assert _person_of(result, "vt", "c1") != _person_of(result, "vt", "c2")

    ambiguous = _two_dossiers(make_persons, [dict(source_record_id="k7", first_names="D.")])
    result = link(ambiguous)
    assert _person_of(result, "gi", "k7") not in {_person_of(result, "vt", "c1"),
                                                  _person_of(result, "vt", "c2")}


def test_the_household_pass_can_be_switched_off(make_persons) -> None:
    persons = _two_dossiers(make_persons, [dict(source_record_id="k9", first_names="Daan")])
    result = link(persons, config=LinkConfig(household_context=False))
    assert _person_of(result, "gi", "k9") != _person_of(result, "vt", "c1")
    assert result.stats["household_context_pairs"] == 0


# --- 6. review queue ---------------------------------------------------------------------------

def test_review_items_are_grouped_by_the_person_they_would_change(make_persons) -> None:
    """A record that might be either of two namesakes is one decision with two candidates."""
    persons = make_persons(
        dict(source="a", source_record_id="1", first_names="Pieter", surname="Mulder",
             birth_date="1970-04-04", postcode="1501AB", house_number=1, sex="M",
             bsn="111222333"),
        dict(source="a", source_record_id="2", first_names="Pieter", surname="Mulder",
             birth_date="1970-04-04", postcode="1502CD", house_number=9, sex="M",
             bsn="123456782"),
        dict(source="b", source_record_id="3", first_names="Pieter", surname="Mulder",
             birth_date="1970-04-04", sex="M"),
    )
    result = link(persons, config=LinkConfig(review_weight=-40.0))
    review = result.review
    assert {"group_id", "group_rank"} <= set(review.columns)
    moving = review[(review["left_record_id"] == "3") | (review["right_record_id"] == "3")]
    assert moving["group_id"].nunique() <= 1
    assert (review.groupby("group_id")["group_rank"].max() <= 3).all()


def test_a_stewards_cannot_link_is_not_sent_back(make_persons) -> None:
    persons = make_persons(
        dict(source="a", source_record_id="1", first_names="Sara", surname="Kok",
             birth_date="2001-01-05", postcode="1501AB", house_number=1),
        dict(source="b", source_record_id="2", first_names="Sara", surname="Kok",
             birth_date="2001-01-05", postcode="1501AB", house_number=1),
    )
    decisions = pd.DataFrame([dict(left_source="a", left_record_id="1", right_source="b",
                                   right_record_id="2", decision="cannot_link")])
    result = link(persons, decisions=decisions)
    assert _person_of(result, "a", "1") != _person_of(result, "b", "2")
    assert result.review.empty


def test_a_second_initial_that_differs_is_another_person(make_persons) -> None:
    """'N.F.' is not 'Nordin Othman' (the twin 'Nordin Fouad' is), while 'N.O.' may be him."""
    persons = make_persons(
        dict(source="a", source_record_id="1", first_names="NORDIN OTHMAN"),
        dict(source="a", source_record_id="2", first_names="N.F."),
        dict(source="a", source_record_id="3", first_names="N.O."),
    )
    p = prepare(persons)
    levels = compare(p, np.array([0, 0]), np.array([1, 2]))[:, FIELD_INDEX["first_name"]]
    assert list(levels) == [level_code("first_name", "different"),
                            level_code("first_name", "initial")]
