"""On a generated population with ground truth, linking is accurate and never merges twins."""

import numpy as np
import pandas as pd

from hub.demo import generate_population
from matching import link


def _pair_f1(predicted: pd.Series, truth: pd.Series) -> float:
    def pairs(counts: pd.Series) -> int:
        values = counts.to_numpy(dtype=np.int64)
        return int((values * (values - 1) // 2).sum())

    both = pd.DataFrame({"p": predicted.to_numpy(), "t": truth.to_numpy()})
    tp = pairs(both.groupby(["p", "t"]).size())
    precision = tp / max(pairs(both.groupby("p").size()), 1)
    recall = tp / max(pairs(both.groupby("t").size()), 1)
    return 2 * precision * recall / (precision + recall)


def test_generated_population_links_accurately_without_merging_twins() -> None:
    population = generate_population(600, seed=21)
    result = link(population.persons)
    merged = population.truth.merge(result.assignments, on=["source", "source_record_id"])
    assert _pair_f1(merged["person_id"], merged["true_person_id"]) > 0.95
    members = merged[~merged["is_reporter"]]
    assert _pair_f1(members["household_id"], members["true_household_id"]) > 0.9
    twins = merged[merged["twin_group"].notna()]
    assert (twins.groupby("person_id")["true_person_id"].nunique() == 1).all()
