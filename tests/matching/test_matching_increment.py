"""matching.link_increment: new records join published persons and households between full runs.

Dutch cases on a generated population (for a fitted model and realistic neighbours) plus
hand-built families; the stream test feeds a generated population in deliveries and checks that
the nightly full run agrees with what the increments published.
"""

import json
from functools import cache

import numpy as np
import pandas as pd
import pytest

from foundation.errors import MappingError
from hub.demo import generate_population
from matching import LinkResult, link, link_increment
from matching.increment import BRIDGE_REASON
from matching.stable_ids import make_id

KEYS = ["source", "source_record_id"]
HOME = {"street": "Rosmolenstraat", "house_number": 12, "postcode": "1501AB", "city": "Zaandam"}
FATMA = {"first_names": "Fatma", "surname": "Yilmaz", "birth_date": "1990-02-03", "sex": "V",
         "bsn": "111222333", "role": "parent_with_custody", **HOME}
DAAN = {"first_names": "Daan", "surname_prefix": "de", "surname": "Jong",
        "birth_date": "2019-05-01", "sex": "M", "bsn": "123456782", "role": "child", **HOME}


SMIT_HOME = {"street": "Vinkenstraat", "house_number": 5, "postcode": "1507AB",
             "city": "Zaandam"}
ANNA = {"first_names": "Anna", "surname": "Smit", "birth_date": "1984-11-20", "sex": "V",
        "bsn": "725763863", "role": "parent_with_custody"}
PIETER = {"first_names": "Pieter", "surname": "Smit", "birth_date": "1982-04-09", "sex": "M",
          "bsn": "162275869", "role": "parent_with_custody"}


def _rows(*rows: dict) -> pd.DataFrame:
    """Canonical person rows; fields not given are missing (a missing confidentiality flag
    would count as confidential, so it is set)."""
    return pd.DataFrame([{"address_confidential": False, **row} for row in rows])


def _family() -> pd.DataFrame:
    """Fatma Yilmaz and her son Daan de Jong, known to Veilig Thuis and the JGZ; the Smit
    family (Anna, Pieter and their daughter Noor), known to Veilig Thuis."""
    return _rows(
        {**FATMA, "source": "veilig_thuis", "source_record_id": "VT-F1",
         "source_household_ref": "VT-M9001"},
        {**DAAN, "source": "veilig_thuis", "source_record_id": "VT-F2",
         "source_household_ref": "VT-M9001"},
        {**FATMA, "source": "jgb", "source_record_id": "JGB-F1",
         "source_household_ref": "JGB-Z9001"},
        {**DAAN, "source": "jgb", "source_record_id": "JGB-F2",
         "source_household_ref": "JGB-Z9001"},
        {**ANNA, **SMIT_HOME, "source": "veilig_thuis", "source_record_id": "VT-S1",
         "source_household_ref": "VT-M9300"},
        {**PIETER, **SMIT_HOME, "source": "veilig_thuis", "source_record_id": "VT-S2",
         "source_household_ref": "VT-M9300"},
        {"first_names": "Noor", "surname": "Smit", "birth_date": "2016-08-09", "sex": "V",
         "role": "child", **SMIT_HOME, "source": "veilig_thuis", "source_record_id": "VT-S3",
         "source_household_ref": "VT-M9300"},
    )


@cache
def _published() -> tuple[pd.DataFrame, LinkResult]:
    """A generated region plus the family, fully linked: the published version."""
    persons = pd.concat([generate_population(250, seed=21).persons, _family()],
                        ignore_index=True)
    return persons, link(persons)


def _known() -> tuple[pd.DataFrame, dict]:
    persons, full = _published()
    return persons.merge(full.assignments, on=KEYS), full.stats["model"]


def _ids_of(frame: pd.DataFrame, record: str) -> tuple[str, str]:
    row = frame.loc[frame["source_record_id"] == record]
    return row["person_id"].item(), row["household_id"].item()


def test_misspelled_mother_joins_her_person_and_household() -> None:
    known, model = _known()
    new = _rows({**FATMA, "first_names": "Fatima", "surname": "Yilmas", "bsn": None,
                 "source": "wss", "source_record_id": "W-77", "source_household_ref": "W-D77"})
    result = link_increment(new, known, model)
    assert list(result.assignments["source_record_id"]) == ["W-77"]
    assert _ids_of(result.assignments, "W-77") == _ids_of(known, "VT-F1")
    assert result.events.empty  # nothing new: the published IDs carry the record
    assert result.stats["joined_existing_person"] == 1
    assert result.stats["joined_existing_household"] == 1
    explanation = json.loads(result.links["explanation"].item())
    assert explanation["prior"] == round(model["prior_weight"], 2)
    assert explanation["surname"][0] == "jw_0.92"
    assert result.config_version == _published()[1].config_version


def test_twin_of_a_known_child_is_not_joined_to_him() -> None:
    known, model = _known()
    sem = _rows({**DAAN, "first_names": "Sem", "bsn": None, "source": "jgb",
                 "source_record_id": "JGB-F3", "source_household_ref": "JGB-Z9001"})
    result = link_increment(sem, known, model)
    person, household = _ids_of(result.assignments, "JGB-F3")
    daan, family = _ids_of(known, "VT-F2")
    assert person != daan
    assert person == make_id("P", "jgb\x1fJGB-F3")
    assert household == family  # in his mother's dossier, at her address
    assert list(result.events["id"]) == [person]


def test_new_family_gets_the_ids_a_full_run_of_everything_gives_it() -> None:
    known, model = _known()
    home = {"street": "Zuiddijk", "house_number": 301, "postcode": "1501CM", "city": "Zaandam"}
    new = _rows(
        {"first_names": "Anouk", "surname": "Brouwer", "birth_date": "1986-07-14", "sex": "V",
         "bsn": "799642630", "role": "parent_with_custody", "source": "veilig_thuis",
         "source_record_id": "VT-N1", "source_household_ref": "VT-M9100", **home},
        {"first_names": "Lotte", "surname": "Brouwer", "birth_date": "2015-01-30", "sex": "V",
         "bsn": "578230859", "role": "child", "source": "veilig_thuis",
         "source_record_id": "VT-N2", "source_household_ref": "VT-M9100", **home},
        {"first_names": "Lote", "surname": "Brouwer", "birth_date": "2015-01-30", "sex": "V",
         "role": "child", "source": "wss", "source_record_id": "W-N3",
         "source_household_ref": "W-D9100", **home},
    )
    result = link_increment(new, known, model)
    persons, _ = _published()
    everything = link(pd.concat([persons, new], ignore_index=True)).assignments
    expected = everything.merge(new[KEYS], on=KEYS)
    got = result.assignments.merge(new[KEYS], on=KEYS)
    pd.testing.assert_frame_equal(got, expected)
    assert got["person_id"].nunique() == 2 and got["household_id"].nunique() == 1
    assert result.stats["new_persons"] == 2 and result.stats["new_households"] == 1
    assert sorted(result.events["kind"]) == ["household", "person", "person"]


def test_child_named_by_first_name_and_year_joins_through_her_known_parents() -> None:
    known, model = _known()
    dossier = {"source": "jgb", "source_household_ref": "JGB-Z9300"}
    new = _rows({**ANNA, **dossier, "source_record_id": "JGB-S1"},
                {**PIETER, **dossier, "source_record_id": "JGB-S2"},
                {"first_names": "Noor", "birth_date": "2016", "sex": "V", "role": "child",
                 **dossier, "source_record_id": "JGB-S3"})
    result = link_increment(new, known, model)
    assert _ids_of(result.assignments, "JGB-S3") == _ids_of(known, "VT-S3")
    assert _ids_of(result.assignments, "JGB-S1") == _ids_of(known, "VT-S1")
    explanation = json.loads(result.links.set_index("source_record_id").loc[
        "JGB-S3", "explanation"])
    assert explanation["household_context"].startswith("linked through household")
    assert result.stats["household_context_pairs"] >= 1

    alone = link_increment(new.iloc[2:], known, model)  # without the parents: no context
    assert alone.assignments["person_id"].item() != _ids_of(known, "VT-S3")[0]


def test_steward_cannot_link_keeps_a_new_record_out_of_a_known_person() -> None:
    known, model = _known()
    new = _rows({**FATMA, "source": "wss", "source_record_id": "W-78",
                 "source_household_ref": "W-D78"})
    decisions = pd.DataFrame([{"left_source": "wss", "left_record_id": "W-78",
                               "right_source": source, "right_record_id": record,
                               "decision": "cannot_link"}
                              for source, record in (("veilig_thuis", "VT-F1"),
                                                     ("jgb", "JGB-F1"))])
    fatma = _ids_of(known, "VT-F1")[0]
    assert link_increment(new, known, model).assignments["person_id"].item() == fatma
    refused = link_increment(new, known, model, decisions=decisions)
    assert refused.assignments["person_id"].item() != fatma


def test_record_bridging_two_known_persons_goes_to_review_without_a_merge() -> None:
    known, model = _known()
    mila = {"first_names": "Mila", "surname": "Visser", "birth_date": "2012-03-04", "sex": "V",
            "role": "child"}
    away = {"street": "Westzijde", "house_number": 7, "postcode": "1506EA", "city": "Zaandam"}
    published = _rows(
        {**mila, **away, "source": "veilig_thuis", "source_record_id": "VT-B1",
         "source_household_ref": "VT-M9200"},
        {**mila, "source": "rvdk", "source_record_id": "RK-B1", "bsn": "132845751",
         "source_household_ref": "ZAAK-9200"},
    ).assign(person_id=["P-MILAVT0001", "P-MILARK0001"],
             household_id=["H-MILAVT0001", "H-MILARK0001"])
    new = _rows({**mila, **away, "bsn": "132845751", "source": "jgb",
                 "source_record_id": "JGB-B1", "source_household_ref": "JGB-Z9200"})
    result = link_increment(new, pd.concat([known, published], ignore_index=True), model)
    person = result.assignments["person_id"].item()
    assert person in {"P-MILAVT0001", "P-MILARK0001"}
    other = ({"P-MILAVT0001", "P-MILARK0001"} - {person}).pop()
    bridge = result.review[result.review["reason"] == BRIDGE_REASON]
    assert len(bridge) == 1
    assert {bridge["left_person_id"].item(), bridge["right_person_id"].item()} == {person, other}
    assert result.events.empty  # no merge, no new ID: the next full run decides


def test_empty_delivery_gives_empty_frames() -> None:
    known, model = _known()
    result = link_increment(known.iloc[:0].drop(columns=["person_id", "household_id"]), known,
                            model)
    for frame in (result.assignments, result.links, result.review, result.events,
                  result.household_links):
        assert frame.empty
    assert result.stats["records_new"] == 0
    assert list(result.assignments.columns) == [*KEYS, "person_id", "household_id"]


def test_same_delivery_twice_gives_the_same_ids_whatever_the_row_order() -> None:
    persons, full = _published()
    rng = np.random.default_rng(4)
    held = rng.random(len(persons)) < 0.05
    known = persons[~held].merge(full.assignments, on=KEYS)
    new = persons[held]
    model = full.stats["model"]
    first = link_increment(new, known, model).assignments
    shuffled = link_increment(new.sample(frac=1.0, random_state=1),
                              known.sample(frac=1.0, random_state=2), model).assignments
    pd.testing.assert_frame_equal(first, shuffled)


def test_a_published_record_delivered_again_keeps_its_ids() -> None:
    known, model = _known()
    again = known[known["source_record_id"].isin(["VT-F1", "JGB-F2", "VT-S3"])]
    result = link_increment(again.drop(columns=["person_id", "household_id"]), known, model)
    expected = again[[*KEYS, "person_id", "household_id"]].sort_values(KEYS)
    pd.testing.assert_frame_equal(result.assignments.reset_index(drop=True),
                                  expected.reset_index(drop=True), check_dtype=False)
    assert result.events.empty and result.stats["new_persons"] == 0


def test_without_known_records_every_new_person_is_new() -> None:
    _, model = _known()
    family = _family()
    result = link_increment(family, None, model)
    assert result.stats["records_new"] == len(family)
    assert result.stats["new_persons"] == result.assignments["person_id"].nunique() == 5
    assert set(result.events["id"]) == set(result.assignments["person_id"]) | set(
        result.assignments["household_id"])


def test_known_rows_without_a_published_person_are_left_out_and_no_id_column_is_refused(
) -> None:
    known, model = _known()
    new = _rows({**FATMA, "first_names": "Fatima", "bsn": None, "source": "wss",
                 "source_record_id": "W-79", "source_household_ref": "W-D79"})
    # every other row unpublished: they must not pose as one shared person
    unpublished = known.assign(person_id=np.where(known["source_record_id"] == "VT-F1",
                                                  known["person_id"], ""))
    result = link_increment(new, unpublished, model)
    assert result.assignments["person_id"].item() == _ids_of(known, "VT-F1")[0]
    with pytest.raises(MappingError, match="lack a column"):
        link_increment(new, known.drop(columns="person_id"), model)


def _pair_f1(predicted: pd.Series, truth: pd.Series) -> float:
    both = pd.DataFrame({"p": predicted.to_numpy(), "t": truth.to_numpy()})

    def pairs(groups: pd.Series) -> int:
        return int((groups * (groups - 1) // 2).sum())

    together = pairs(both.groupby(["p", "t"]).size())
    precision = together / max(pairs(both.groupby("p").size()), 1)
    recall = together / max(pairs(both.groupby("t").size()), 1)
    return 2 * precision * recall / max(precision + recall, 1e-9)


def _deliveries(households: int, seed: int, rounds: int, profile: str = "normal"
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each record's delivery: a family first turns up in the initial load (60 %) or in a later
    delivery; about a third of its records are repeat reports that come in a later one."""
    population = generate_population(households, seed=seed, profile=profile)
    truth = population.truth
    rng = np.random.default_rng(seed)
    families = truth["true_household_id"].astype("str").unique()
    first = pd.Series(np.where(rng.random(families.size) < 0.6, 0,
                               rng.integers(1, rounds + 1, families.size)), index=families)
    start = first.reindex(truth["true_household_id"].astype("str")).to_numpy()
    later = rng.random(len(truth)) < 0.35
    delivery = np.where(later, start + rng.integers(0, rounds + 1, len(truth)), start)
    truth = truth.assign(delivery=np.minimum(delivery, rounds))
    persons = population.persons.merge(truth[[*KEYS, "delivery"]], on=KEYS)
    return persons, truth


@pytest.mark.parametrize(("profile", "seed"), [("normal", 7), ("hard", 1)])
def test_stream_of_deliveries_then_the_nightly_run_agrees(profile: str, seed: int) -> None:
    rounds = 10
    persons, truth = _deliveries(240, seed, rounds, profile)
    initial = persons[persons["delivery"] == 0].drop(columns="delivery")
    full = link(initial)
    model = full.stats["model"]
    running = initial.merge(full.assignments, on=KEYS)
    for delivery in range(1, rounds + 1):
        new = persons[persons["delivery"] == delivery].drop(columns="delivery")
        step = link_increment(new, running, model)
        assert len(step.assignments) == len(new)
        assert not set(step.events["id"]) & set(running["person_id"]) - {""}
        running = pd.concat([running, new.merge(step.assignments, on=KEYS)], ignore_index=True)
    nightly = link(persons.drop(columns="delivery"),
                   previous=running[[*KEYS, "person_id", "household_id"]])
    compared = running[[*KEYS, "person_id", "household_id"]].merge(
        nightly.assignments, on=KEYS, suffixes=("_inc", "_full"))
    for kind, column in (("person", "person_id"), ("household", "household_id")):
        changed = compared[compared[f"{column}_inc"] != compared[f"{column}_full"]]
        events = nightly.events[(nightly.events["kind"] == kind)
                                & nightly.events["event"].isin(["merge", "split"])]
        named = set(events["id"]) | {i for ids in events["related_ids"] for i in json.loads(ids)}
        unexplained = changed[~changed[f"{column}_inc"].isin(named)]
        assert unexplained.empty, unexplained.head()
    scored = compared.merge(truth[[*KEYS, "true_person_id"]], on=KEYS)
    f1_increment = _pair_f1(scored["person_id_inc"], scored["true_person_id"])
    f1_full = _pair_f1(scored["person_id_full"], scored["true_person_id"])
    print(f"pairwise F1: incremental {f1_increment:.4f}, full run {f1_full:.4f}")
    assert f1_increment > 0.9
    assert f1_increment > f1_full - 0.05
