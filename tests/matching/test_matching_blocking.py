"""Blocking generates every pair of a block, and only a window of an oversized block."""

import numpy as np

from matching.blocking import pairs_in_blocks


def test_all_pairs_inside_small_blocks_and_none_across() -> None:
    rows = np.arange(7)
    keys = np.array([1, 1, 1, 2, 2, 3, -5])
    left, right, windowed, _ = pairs_in_blocks(rows, keys, max_block_size=10, window=2)
    pairs = set(zip(left.tolist(), right.tolist(), strict=True))
    assert pairs == {(0, 1), (0, 2), (1, 2), (3, 4)}
    assert windowed == 0


def test_oversized_block_is_linked_as_a_chain_within_the_window() -> None:
    rows = np.arange(50)
    keys = np.zeros(50, dtype=np.int64)
    left, right, windowed, records = pairs_in_blocks(rows, keys, max_block_size=10, window=3)
    assert windowed == 1 and records == 50
    assert left.size == 47 + 48 + 49  # neighbours 1, 2 and 3 steps away
    assert (right - left).max() == 3
