"""Sorted-array lookups: exact and prefix matches on a million keys without a million dicts."""

import numpy as np


class ExactIndex:
    """Keys sorted once (numpy unicode array) with their row numbers; lookups by binary search."""

    def __init__(self, keys: np.ndarray, rows: np.ndarray) -> None:
        keys = np.asarray(keys, dtype=object)
        present = np.array([isinstance(k, str) and k != "" for k in keys], dtype=bool)
        sorted_keys = keys[present].astype(str)
        order = np.argsort(sorted_keys, kind="stable")
        self.keys = sorted_keys[order]
        self.rows = np.asarray(rows)[present][order]

    def get(self, key: str) -> np.ndarray:
        """Rows whose key equals ``key``."""
        lo = np.searchsorted(self.keys, key, side="left")
        hi = np.searchsorted(self.keys, key, side="right")
        return self.rows[lo:hi]

    def prefix(self, key: str) -> np.ndarray:
        """Rows whose key starts with ``key``."""
        lo = np.searchsorted(self.keys, key, side="left")
        hi = np.searchsorted(self.keys, key + "\U0010ffff", side="left")
        return self.rows[lo:hi]
