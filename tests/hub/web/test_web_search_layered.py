"""The persons increments wrote are layered over the version's search index: found at once,
each person once, with their current golden record, households joined across the layers."""

import numpy as np
import pandas as pd
import pytest

from hub.web.search.index import PERSON_COLUMNS, Query, SearchIndex
from hub.web.search.layered import LayeredIndex

COLUMNS = ["person_id", "household_id", "first_names", "surname", "birth_date", "postcode",
           "house_number"]
BASE = [
    ("P-ANNA", "H-1", "Anna", "Visser", "1984-02-01", "1501AB", 12),
    ("P-DAAN", "H-1", "Daan", "Visser", "2019-06-15", "1501AB", 12),
    ("P-OLD", "H-2", "Sem", "Bakker", "2001-01-01", "1441CD", 3),
]


def _index(rows: list[tuple], version: int = 4, increments: int = 0) -> SearchIndex:
    frame = pd.DataFrame(rows, columns=COLUMNS).assign(
        bsn=None, surname_prefix=None, sex="X", city="Zaandam", has_confidential_address=False,
        sources="veilig_thuis")
    return SearchIndex(frame[list(PERSON_COLUMNS)], version_id=version, increments=increments)


@pytest.fixture
def layered() -> LayeredIndex:
    delta = _index([
        ("P-DAAN", "H-1", "Daan", "Visser", "2019-06-16", "1501AB", 12),  # recomputed record
        ("P-NOOR", "H-1", "Noor", "Visser", "2021-03-03", "1501AB", 12),  # a new child
        ("P-NEW", "H-9", "Mila", "de Boer", "1990-09-09", "1505XY", 8),   # a new family
    ])
    return LayeredIndex(_index(BASE, increments=2), delta, increments=3)


def test_each_person_once_with_the_current_record(layered: LayeredIndex) -> None:
    result = layered.search(Query(name="Visser"))
    assert sorted(h.person_id for h in result.hits) == ["P-ANNA", "P-DAAN", "P-NOOR"]
    assert result.total == 3
    daan = next(h for h in result.hits if h.person_id == "P-DAAN")
    assert daan.birth_date == "2019-06-16"  # the increment's, not the base's
    assert layered.search(Query(birth_date="2019-06-15")).total == 0
    assert [h.person_id for h in layered.search(Query(name="Mila de Boer")).hits] == ["P-NEW"]
    assert layered.size == 5 and layered.increments == 3 and layered.version_id == 4


def test_the_limit_ranks_across_the_layers(layered: LayeredIndex) -> None:
    result = layered.search(Query(name="Visser", limit=2))
    assert result.total == 3 and len(result.hits) == 2
    assert [h.score for h in result.hits] == sorted((h.score for h in result.hits), reverse=True)


def test_a_household_is_widened_across_the_layers(layered: LayeredIndex) -> None:
    """A lookup that finds the mother offers the new child, and the other way round."""
    mother = layered.lookup_rows("Anna Visser", None, None, None)
    assert set(layered.person_ids(layered.household_rows(mother))) == {
        "P-ANNA", "P-DAAN", "P-NOOR"}
    child = layered.lookup_rows("Noor Visser", None, None, None)
    assert set(layered.person_ids(layered.household_rows(child))) == {
        "P-ANNA", "P-DAAN", "P-NOOR"}
    # the superseded base row of P-DAAN is never one of the rows
    assert layered.person_ids(layered.lookup_rows("Daan Visser", None, None, None)) == ["P-DAAN"]


def test_an_empty_layer_changes_nothing() -> None:
    base = _index(BASE)
    layered = LayeredIndex(base, _index([]), increments=0)
    assert layered.search(Query(name="Visser")).total == base.search(Query(name="Visser")).total
    rows = layered.lookup_rows(None, None, "1501AB", 12)
    np.testing.assert_array_equal(rows, base.lookup_rows(None, None, "1501AB", 12))
