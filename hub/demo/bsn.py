"""Synthetic BSNs that pass the elfproef, and the ways real registrations get them wrong.

The elfproef: with digits d1..d9, 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 must be divisible by 11. A single
changed digit or a swap of two different adjacent digits always breaks it, which is what a mistyped
BSN in the demo data looks like.
"""

import numpy as np

WEIGHTS = np.array([9, 8, 7, 6, 5, 4, 3, 2, -1])


def generate_bsns(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` distinct valid BSNs as 9-character strings (about 10% start with a zero)."""
    out: list[np.ndarray] = []
    have = 0
    seen: set[int] = set()
    while have < n:
        m = int((n - have) * 1.15) + 16
        digits = rng.integers(0, 10, size=(m, 8))
        check = (digits @ WEIGHTS[:8]) % 11
        ok = check < 10
        digits, check = digits[ok], check[ok]
        numbers = digits @ (10 ** np.arange(8, 0, -1)) + check
        numbers = numbers[numbers >= 1_000_000]  # not absurdly short
        numbers = pd_unique_keep_order(numbers)
        fresh = np.array([x for x in numbers if x not in seen], dtype=np.int64) if seen else numbers
        seen.update(fresh.tolist())
        out.append(fresh)
        have += len(fresh)
    numbers = np.concatenate(out)[:n]
    return np.char.zfill(numbers.astype(str), 9).astype(object)


def pd_unique_keep_order(values: np.ndarray) -> np.ndarray:
    """Unique values in first-seen order (numpy's unique sorts, which would bias the order)."""
    _, first = np.unique(values, return_index=True)
    return values[np.sort(first)]


def mistype_bsn(bsn: str, rng: np.random.Generator) -> str:
    """A typing error that fails the elfproef: one digit changed or two adjacent digits swapped."""
    chars = list(bsn)
    if rng.random() < 0.5:
        for _ in range(10):
            i = int(rng.integers(0, len(chars) - 1))
            if chars[i] != chars[i + 1]:
                chars[i], chars[i + 1] = chars[i + 1], chars[i]
                return "".join(chars)
    i = int(rng.integers(0, len(chars)))
    chars[i] = str((int(chars[i]) + int(rng.integers(1, 10))) % 10)
    return "".join(chars)
