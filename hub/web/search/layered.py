"""The search index of a published version that increments have amended since it was built.

Rebuilding a million-person index takes about 20 seconds, and an increment (a drop-folder
delivery) changes a few dozen persons. So the index built for the version (the *base*) stays,
and the persons the increments wrote since are read again into a small *delta* index; their
base rows are *superseded*. A search asks both and never shows a superseded row, so a person
appears once, with their current golden record. This is the log-structured way of search engines
(a read-only segment plus a small fresh one); the next version's full build folds it together.

Rows are numbered across both: the base's first, then the delta's (``base.size + row``).
"""

import numpy as np

from hub.web.search.index import Query, Result, SearchIndex, best, widen


class LayeredIndex:
    """A base :class:`SearchIndex` with the persons of later increments layered over it."""

    def __init__(self, base: SearchIndex, delta: SearchIndex, increments: int) -> None:
        self.base = base
        self.delta = delta
        self.version_id = base.version_id
        self.increments = increments
        """How many of the version's increments the layers hold."""
        self._superseded = np.zeros(base.size, dtype=bool)
        self._superseded[base.rows_of_persons(delta.all_person_ids())] = True
        self.size = base.size - int(self._superseded.sum()) + delta.size

    def _current(self, base_rows: np.ndarray) -> np.ndarray:
        return base_rows[~self._superseded[base_rows]] if base_rows.size else base_rows

    def _split(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        rows = rows.astype(np.int64)
        return rows[rows < self.base.size], rows[rows >= self.base.size] - self.base.size

    def _joined(self, base_rows: np.ndarray, delta_rows: np.ndarray) -> np.ndarray:
        return np.concatenate([base_rows.astype(np.int64),
                               delta_rows.astype(np.int64) + self.base.size])

    def search(self, query: Query) -> Result:
        """:meth:`SearchIndex.search` over both layers."""
        base_rows, base_scores = self.base.matched(query)
        keep = ~self._superseded[base_rows] if base_rows.size else np.zeros(0, dtype=bool)
        base_rows, base_scores = base_rows[keep], base_scores[keep]
        delta_rows, delta_scores = self.delta.matched(query)
        total = len(base_rows) + len(delta_rows)
        rows, scores = best(self._joined(base_rows, delta_rows),
                            np.concatenate([base_scores, delta_scores]), query.limit)
        ours, theirs = rows < self.base.size, rows >= self.base.size
        hits = (self.base.hits(rows[ours], scores[ours])
                + self.delta.hits(rows[theirs] - self.base.size, scores[theirs]))
        hits.sort(key=lambda hit: -hit.score)
        return Result(hits, total, query.criteria())

    def lookup_rows(self, name: str | None, bsn: str | None, postcode: str | None,
                    house_number: int | None, limit: int = 50) -> np.ndarray:
        """:meth:`SearchIndex.lookup_rows` over both layers."""
        base_rows = self._current(self.base.lookup_rows(name, bsn, postcode, house_number,
                                                        limit))
        delta_rows = self.delta.lookup_rows(name, bsn, postcode, house_number, limit)
        return self._joined(base_rows, delta_rows)

    def household_rows(self, rows: np.ndarray, limit: int = 200) -> np.ndarray:
        """:meth:`SearchIndex.household_rows` over both layers: a new child of a known
        household is found next to its mother, and the other way round."""
        base_rows, delta_rows = self._split(rows)
        households = self.base.household_ids(base_rows) | self.delta.household_ids(delta_rows)
        relatives = self._joined(self._current(self.base.rows_of_households(households)),
                                 self.delta.rows_of_households(households))
        return widen(rows.astype(np.int64), relatives, limit)

    def person_ids(self, rows: np.ndarray) -> list[str]:
        base_rows, delta_rows = self._split(rows)
        return self.base.person_ids(base_rows) + self.delta.person_ids(delta_rows)
