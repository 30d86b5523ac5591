"""The sort-based unique helpers give exactly numpy's answers."""

import numpy as np
import pytest

from matching.arrays import isin, unique_inverse, unique_sorted


@pytest.mark.parametrize("values", [[], [5], [3, 1, 3, 2, 1, 9], [7, 7, 7], [-1, 4, -1, 0]],
                         ids=["empty", "one", "mixed", "same", "negative"])
def test_helpers_equal_numpy_unique(values: list[int]) -> None:
    x = np.array(values, dtype=np.int64)
    expected, first, inverse = np.unique(x, return_index=True, return_inverse=True)
    assert unique_sorted(x).tolist() == expected.tolist()
    got, got_first, got_inverse = unique_inverse(x)
    assert got.tolist() == expected.tolist()
    assert got_first.tolist() == first.tolist()
    assert got_inverse.tolist() == inverse.ravel().tolist()


def test_digit_differences_counts_changed_digits() -> None:
    from matching.compare import digit_differences

    a = np.array([111222333, 20150601, 123456789, 5], dtype=np.int64)
    b = np.array([111222334, 20151601, 987654321, 5], dtype=np.int64)
    assert digit_differences(a, b, 3).tolist() == [1, 1, 8, 0]


@pytest.mark.parametrize("values", [[], [5], [3, 1, 3, 2, 1, 9], [7, 7, 7], [-1, 4, -1, 0],
                                    [2**40, -(2**40), 3, 2**40]],
                         ids=["empty", "one", "mixed", "same", "negative", "wide"])
def test_stable_argsort_and_sort_pairs_equal_numpy(values: list[int]) -> None:
    from matching.arrays import sort_pairs, stable_argsort

    x = np.array(values, dtype=np.int64)
    assert stable_argsort(x).tolist() == np.argsort(x, kind="stable").tolist()
    rows = np.arange(x.size, dtype=np.int64)[::-1].copy()
    order = np.lexsort((rows, x))
    keys, got_rows = sort_pairs(x, rows)
    assert keys.tolist() == x[order].tolist()
    assert got_rows.tolist() == rows[order].tolist()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_isin_equals_numpy_isin(seed: int) -> None:
    rng = np.random.default_rng(seed)
    values = rng.integers(-5, 2_000, size=5_000)
    test = rng.integers(-5, 2_000, size=700)
    assert np.array_equal(isin(values, test), np.isin(values, test))
    assert not isin(values, np.zeros(0, np.int64)).any()
    assert isin(np.zeros(0, np.int64), test).size == 0
