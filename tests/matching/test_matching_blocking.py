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


def _brute_force(rows: np.ndarray, keys: np.ndarray, anchor: np.ndarray) -> set[tuple[int, int]]:
    pairs = set()
    for i in range(rows.size):
        for j in range(rows.size):
            if keys[i] == keys[j] and rows[i] != rows[j] and (anchor[i] or anchor[j]):
                pairs.add((int(min(rows[i], rows[j])), int(max(rows[i], rows[j]))))
    return pairs


def test_anchored_pairs_are_every_pair_of_a_block_with_an_anchor() -> None:
    """Blocks without an anchor are dropped before the sort by a table of the anchors' keys'
    low bits; keys that share those bits by chance (multiples of 2**10 apart here) must not
    lose or gain a pair."""
    from matching.blocking import pairs_with_anchors

    rng = np.random.default_rng(5)
    rows = rng.integers(0, 60, 300)
    keys = rng.integers(0, 40, 300) * 1024 + rng.integers(0, 3, 300)
    anchor_of_row = rng.random(60) < 0.1
    anchor = anchor_of_row[rows]
    left, right, _, _ = pairs_with_anchors(rows, keys, anchor, max_block_size=1000, window=8)
    found = set(zip(left.tolist(), right.tolist(), strict=True))
    assert found == _brute_force(rows, keys, anchor)
    assert found  # the case is not empty
