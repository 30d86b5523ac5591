"""matching.lookup: entered records scored with a run's fitted model, guards included."""

from functools import cache

import numpy as np
import pandas as pd

from hub.demo import generate_population
from matching import link
from matching.lookup import model_from_dict, score_lookup


@cache
def _stats_model() -> dict:
    return link(generate_population(600, seed=11).persons).stats["model"]


def _candidates() -> pd.DataFrame:
    home = {"postcode": "1501AB", "house_number": 12, "sex": "M", "bsn": None}
    return pd.DataFrame([
        {"candidate_id": "P-DAAN", "first_names": "Daan", "surname_prefix": "de",
         "surname": "Jong", "birth_date": "2020-05-01", **home},
        {"candidate_id": "P-SEM", "first_names": "Sem", "surname_prefix": "de",
         "surname": "Jong", "birth_date": "2020-05-01", **home},
        {"candidate_id": "P-MOM", "first_names": "Fatma", "surname_prefix": None,
         "surname": "Yilmaz", "birth_date": "1990-02-03", "postcode": "1501AB",
         "house_number": 12, "sex": "V", "bsn": "111222333"},
    ])


def test_model_round_trips_through_the_runs_stats() -> None:
    data = _stats_model()
    model = model_from_dict(data)
    again = model.as_dict()
    for field in ("first_name", "surname", "birth_date", "bsn", "address", "sex"):
        for level, cell in data[field].items():
            # m and u are kept to 6 decimals: a rare level's weight must not drift (it did)
            assert abs(again[field][level]["weight"] - cell["weight"]) < 0.002, (field, level)
    assert model.prior == data["prior_weight"]


def test_misspelled_child_found_and_twin_guarded_with_the_runs_prior() -> None:
    data = _stats_model()
    entered = pd.DataFrame([{"first_names": "Dan", "surname": "de Jongh", "birth_date": "2020",
                             "postcode": "1501 AB", "house_number": 12}])
    scored = score_lookup(entered, _candidates(), model_from_dict(data))
    by_id = scored.set_index("candidate_id")
    assert by_id.loc["P-DAAN", "match_probability"] > 0.95
    assert not by_id.loc["P-DAAN", "twin_guard"]
    assert by_id.loc["P-SEM", "twin_guard"]  # his twin brother is never offered as Daan
    assert by_id.loc["P-SEM", "match_probability"] < 0.01
    assert f'"prior":{round(data["prior_weight"], 2)}' in by_id.loc["P-DAAN", "explanation"]


def test_nothing_to_score_gives_an_empty_frame() -> None:
    model = model_from_dict(_stats_model())
    assert score_lookup(pd.DataFrame(), _candidates(), model).empty
    empty = score_lookup(pd.DataFrame([{"surname": "Jong"}]), _candidates().iloc[:0], model)
    assert list(empty.columns)[:2] == ["query_index", "candidate_id"] and np.size(empty) == 0
