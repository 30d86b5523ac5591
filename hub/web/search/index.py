"""The search index of one published version: fuzzy names plus exact BSN, birth date, address.

Scanning a million names with rapidfuzz per query would take seconds, so names are blocked on
their *distinct* values: a typed word is compared (rapidfuzz, Levenshtein ratio) with the few
thousand distinct surname cores, the rows of the cores that match are gathered from a sorted
array, and only the distinct first names among those rows are compared with the other words.
Exact criteria are binary searches in sorted arrays (:class:`ExactIndex`). Criteria combine as
AND; a name ranks its hits, exact criteria only filter.

The index holds clear BSNs in memory (to look them up); a :class:`Hit` carries only the masked
BSN, the city (never for a confidential address) and what a worker needs to pick a person.
"""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.distance import JaroWinkler

from foundation.privacy import mask_bsn
from hub.web.search.exact import ExactIndex
from hub.web.search.names import (
    first_name_key,
    prefix_key,
    query_prefix,
    query_tokens,
    surname_cores,
    variant,
)

SURNAME_CUTOFF = 75.0
SHORT_SURNAME_CUTOFF = 66.0
JARO_WINKLER_CUTOFF = 85.0
FIRST_NAME_CUTOFF = 75.0
SURNAME_WEIGHT = 0.6
MAX_SURNAME_MATCHES = 25
LENGTH_SLACK = 2
"""A surname core is compared only with cores at most this many letters longer or shorter: one
or two slips change the length by that much at most, and it halves the comparisons."""
MAX_WORD_LENGTH = 64
PREFIX_BONUS = 3.0
"""Added when the typed tussenvoegsel equals the person's: 'van der Berg' before 'van den Berg'."""

PERSON_COLUMNS = ("person_id", "household_id", "bsn", "first_names", "surname_prefix", "surname",
                  "birth_date", "sex", "postcode", "house_number", "city",
                  "has_confidential_address", "sources")
"""Columns of the golden person rows the index is built from (``persons`` of the store)."""


@dataclass(frozen=True)
class Query:
    """A parsed search: every given criterion must hold (see :mod:`hub.web.search.parse`)."""

    name: str | None = None
    bsn: str | None = None
    birth_date: str | None = None
    postcode: str | None = None
    house_number: int | None = None
    limit: int = 25

    def criteria(self) -> list[str]:
        """Which criteria were used (for the audit log: names of fields, never BSN values)."""
        names = ("name", "bsn", "birth_date", "postcode", "house_number")
        return [n for n in names if getattr(self, n) not in (None, "")]


@dataclass(frozen=True)
class Hit:
    person_id: str
    household_id: str | None
    name: str
    birth_date: str | None
    sex: str | None
    city: str | None
    confidential_address: bool
    sources: list[str]
    bsn_masked: str | None
    score: float


@dataclass
class Result:
    hits: list[Hit]
    total: int
    criteria: list[str] = field(default_factory=list)


def _text(values: pd.Series) -> pd.Series:
    return values.astype("str").where(values.notna(), "")


def _distinct_map(values: pd.Series, func) -> tuple[np.ndarray, list]:  # noqa: ANN001
    """Apply ``func`` once per distinct value; returns (codes per row, results per code)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return codes, [func(v) for v in uniques]


def best(rows: np.ndarray, scores: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``limit`` best-scored rows (unordered)."""
    if len(rows) <= limit:
        return rows, scores
    top = np.argpartition(-scores, limit - 1)[:limit]
    return rows[top], scores[top]


def widen(rows: np.ndarray, relatives: np.ndarray, limit: int) -> np.ndarray:
    """``rows`` and, up to ``limit`` rows in all, ``relatives``: the rows found themselves
    always stay, their household members fill up."""
    others = np.setdiff1d(relatives.astype(np.int64), rows)
    if not others.size:
        return rows
    return np.union1d(rows, others[:max(0, limit - rows.size)])


class SearchIndex:
    """Build once per published version with :meth:`build`; :meth:`search` is thread-safe."""

    def __init__(self, persons: pd.DataFrame, extra_bsns: pd.DataFrame | None = None,
                 version_id: int | None = None, increments: int = 0) -> None:
        self.version_id = version_id
        self.increments = increments
        """How many of the version's increments (``hub.store.increment``) the index holds."""
        frame = persons.reset_index(drop=True)
        self.size = len(frame)
        self._show = {name: frame[name].astype(object).where(frame[name].notna(), None)
                      .to_numpy(dtype=object) for name in PERSON_COLUMNS if name != "bsn"}
        self._show["bsn_masked"] = np.array(
            [mask_bsn(v) if isinstance(v, str) and v else None
             for v in frame["bsn"].to_numpy(dtype=object)], dtype=object)
        rows = np.arange(self.size)
        prefix, surname = _text(frame["surname_prefix"]), _text(frame["surname"])
        codes, cores = _distinct_map(prefix + "\x1f" + surname,
                                     lambda v: surname_cores(*v.split("\x1f")))
        vocab: dict[str, int] = {}
        per_code = [[vocab.setdefault(c, len(vocab)) for c in cs] for cs in cores]
        lengths = np.array([len(c) for c in per_code], dtype=np.int64)[codes]
        flat = np.array([c for cs in per_code for c in cs] or [0], dtype=np.int64)
        starts = np.concatenate([[0], np.cumsum([len(c) for c in per_code])])[:-1]
        exp_rows = np.repeat(rows, lengths)
        within = np.arange(len(exp_rows)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        exp_core = flat[starts[codes[exp_rows]] + within] if len(exp_rows) else exp_rows
        order = np.argsort(exp_core, kind="stable")
        self._core_vocab = list(vocab)
        by_length = sorted(range(len(vocab)), key=lambda c: (len(self._core_vocab[c]), c))
        self._len_codes = np.array(by_length, dtype=np.int64)
        self._len_words = [self._core_vocab[c] for c in by_length]
        self._len_starts = np.searchsorted(
            np.array([len(w) for w in self._len_words], dtype=np.int64),
            np.arange(MAX_WORD_LENGTH + 2))
        self._core_rows = exp_rows[order]
        self._core_offsets = np.searchsorted(exp_core[order], np.arange(len(vocab) + 1))
        prefix_codes, prefix_keys = _distinct_map(_text(frame["surname_prefix"]), prefix_key)
        prefix_vocab: dict[str, int] = {}
        key_of = np.array([prefix_vocab.setdefault(k, len(prefix_vocab)) for k in prefix_keys]
                          or [0], dtype=np.int64)
        self._prefix_vocab = prefix_vocab
        self._row_prefix = key_of[prefix_codes] if self.size else np.zeros(0, dtype=np.int64)
        first_codes, first_keys = _distinct_map(_text(frame["first_names"]), first_name_key)
        first_vocab: dict[str, int] = {}
        key_codes = np.array([first_vocab.setdefault(k, len(first_vocab)) for k in first_keys]
                             or [0], dtype=np.int64)
        self._first_vocab = np.array(list(first_vocab), dtype=object)
        self._row_first = key_codes[first_codes] if self.size else np.zeros(0, dtype=np.int64)

        bsn_keys = _text(frame["bsn"]).to_numpy(dtype=object)
        bsn_rows = rows
        if extra_bsns is not None and len(extra_bsns):
            positions = pd.Index(frame["person_id"]).get_indexer(extra_bsns["person_id"])
            keep = positions >= 0
            bsn_keys = np.concatenate(
                [bsn_keys, _text(extra_bsns["bsn"]).to_numpy(dtype=object)[keep]])
            bsn_rows = np.concatenate([rows, positions[keep]])
        self._bsn = ExactIndex(bsn_keys, bsn_rows)
        self._birth = ExactIndex(_text(frame["birth_date"]).to_numpy(dtype=object), rows)
        number = frame["house_number"].astype("Int64").astype("str").fillna("")
        address = _text(frame["postcode"]).str.upper() + "|" + number
        address = address.where(_text(frame["postcode"]) != "", "")
        self._address = ExactIndex(address.to_numpy(dtype=object), rows)
        self._household_groups: dict | None = None
        self._person_rows: pd.Index | None = None

    # --- criteria -------------------------------------------------------------------------

    def _surname_matches(self, token: str) -> list[tuple[str, float, int]]:
        """Surname cores like ``token``: Levenshtein ratio catches dropped or added letters,
        Jaro-Winkler catches swapped ones ('Bregh' for 'Berg'); each core keeps its best score."""
        cutoff = SHORT_SURNAME_CUTOFF if len(token) <= 4 else SURNAME_CUTOFF
        lo = self._len_starts[min(max(len(token) - LENGTH_SLACK, 0), MAX_WORD_LENGTH + 1)]
        hi = self._len_starts[min(len(token) + LENGTH_SLACK + 1, MAX_WORD_LENGTH + 1)]
        if len(token) + LENGTH_SLACK >= MAX_WORD_LENGTH:
            hi = len(self._len_words)
        words = self._len_words[lo:hi]
        best: dict[int, tuple[str, float, int]] = {}
        passes = ((fuzz.ratio, cutoff, 1.0),
                  (JaroWinkler.normalized_similarity, JARO_WINKLER_CUTOFF / 100, 100.0))
        for scorer, score_cutoff, scale in passes:
            for core, score, position in process.extract(token, words, scorer=scorer,
                                                         score_cutoff=score_cutoff,
                                                         limit=MAX_SURNAME_MATCHES):
                code = int(self._len_codes[lo + position])
                score = float(score) * scale
                if code not in best or best[code][1] < score:
                    best[code] = (core, score, code)
        return sorted(best.values(), key=lambda m: -m[1])[:MAX_SURNAME_MATCHES]

    def _name_scores(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Rows matching a typed name and their scores (0-100)."""
        tokens = query_tokens(text)[:4]
        found_rows: list[np.ndarray] = []
        found_scores: list[np.ndarray] = []
        for i, token in enumerate(tokens):
            matches = self._surname_matches(token)
            if not matches:
                continue
            others = [variant(t) for j, t in enumerate(tokens) if j != i]
            rows = np.concatenate([self._core_rows[self._core_offsets[c]:self._core_offsets[c + 1]]
                                   for _, _, c in matches])
            scores = np.concatenate([np.full(self._core_offsets[c + 1] - self._core_offsets[c], s)
                                     for _, s, c in matches])
            if others:
                first = self._row_first[rows]
                distinct, inverse = np.unique(first, return_inverse=True)
                names = self._first_vocab[distinct].tolist()
                matrix = np.maximum(
                    process.cdist(others, names, scorer=fuzz.ratio),
                    process.cdist(others, names, scorer=JaroWinkler.normalized_similarity,
                                  score_multiplier=100))
                initials = np.array([[100.0 if len(o) == 1 and n.startswith(o) else 0.0
                                      for n in names] for o in others])
                first_scores = np.maximum(matrix, initials).max(axis=0)[inverse]
                keep = first_scores >= FIRST_NAME_CUTOFF
                rows = rows[keep]
                scores = SURNAME_WEIGHT * scores[keep] + (1 - SURNAME_WEIGHT) * first_scores[keep]
            found_rows.append(rows)
            found_scores.append(scores)
        if not found_rows:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        rows = np.concatenate(found_rows)
        scores = np.concatenate(found_scores)
        typed_prefix = query_prefix(text)
        if typed_prefix and typed_prefix in self._prefix_vocab:
            same = self._row_prefix[rows] == self._prefix_vocab[typed_prefix]
            scores = scores + np.where(same, PREFIX_BONUS, 0.0)
        if rows.size == 0:
            return rows.astype(np.int64), scores
        order = np.lexsort((-scores, rows))  # per row, best score first
        rows, scores = rows[order], scores[order]
        first = np.concatenate([[True], rows[1:] != rows[:-1]])
        return rows[first], scores[first]

    def _birth_rows(self, iso: str) -> np.ndarray:
        """Persons born on that day, or registered with only its month or year (partial)."""
        if len(iso) == 10:
            parts = [self._birth.get(iso), self._birth.get(iso[:7]), self._birth.get(iso[:4])]
        elif len(iso) == 7:
            parts = [self._birth.prefix(iso), self._birth.get(iso[:4])]
        else:
            parts = [self._birth.prefix(iso)]
        return np.concatenate(parts)

    def _address_rows(self, postcode: str, number: int | None) -> np.ndarray:
        if number is None:
            return self._address.prefix(postcode if len(postcode) == 4 else f"{postcode}|")
        if len(postcode) == 4:
            rows = self._address.prefix(postcode)
            numbers = self._show["house_number"][rows]
            return rows[np.array([n is not None and int(n) == number for n in numbers],
                                 dtype=bool)]
        return self._address.get(f"{postcode}|{number}")

    # --- lookup (hub.web.lookup) ------------------------------------------------------------

    def lookup_rows(self, name: str | None, bsn: str | None, postcode: str | None,
                    house_number: int | None, limit: int = 50) -> np.ndarray:
        """Index rows that may be the entered person (any one criterion suffices, unlike
        :meth:`SearchIndex.search`); :meth:`household_rows` widens them to their households,
        so a child entered without a surname is still found next to its mother.
        """
        parts = []
        if bsn:
            parts.append(self._bsn.get(bsn))
        if postcode and house_number is not None:
            parts.append(self._address_rows(postcode, house_number)[:limit])
        if name and name.strip():
            rows, scores = self._name_scores(name)
            if len(rows) > limit:
                rows = rows[np.argpartition(-scores, limit - 1)[:limit]]
            parts.append(rows)
        if not parts:
            return np.zeros(0, dtype=np.int64)
        return np.unique(np.concatenate(parts).astype(np.int64))

    def household_rows(self, rows: np.ndarray, limit: int = 200) -> np.ndarray:
        """``rows`` and the rows of the other members of their households (these at most up to
        ``limit`` rows in all)."""
        return widen(rows, self.rows_of_households(self.household_ids(rows)), limit)

    def household_ids(self, rows: np.ndarray) -> set[str]:
        """The households of ``rows``."""
        return {self._show["household_id"][r] for r in rows.tolist()} - {None}

    def rows_of_households(self, household_ids: set[str]) -> np.ndarray:
        """Every row of these households."""
        households = self._household_groups
        if households is None:
            ids = pd.Series(self._show["household_id"], dtype=object)
            households = ids.dropna().groupby(ids.dropna()).indices
            self._household_groups = households  # built once per index, on first lookup
        found = [households[h] for h in household_ids if h in households]
        return (np.concatenate(found).astype(np.int64) if found
                else np.zeros(0, dtype=np.int64))

    def person_ids(self, rows: np.ndarray) -> list[str]:
        return [str(v) for v in self._show["person_id"][rows]]

    def all_person_ids(self) -> np.ndarray:
        """The person id of every row, by row."""
        return self._show["person_id"]

    def rows_of_persons(self, person_ids: np.ndarray | list[str]) -> np.ndarray:
        """The rows of these persons (those the index holds), through a hash index of the ids
        built on first use (a sorted comparison of a million ids took seconds)."""
        if self._person_rows is None:
            self._person_rows = pd.Index(self._show["person_id"])
        found = self._person_rows.get_indexer(pd.Index(person_ids, dtype=object))
        return found[found >= 0].astype(np.int64)

    # --- search ---------------------------------------------------------------------------

    def search(self, query: Query) -> Result:
        """Run a query; hits best first (by name score, then name), at most ``query.limit``."""
        rows, scores = self.matched(query)
        total = len(rows)
        rows, scores = best(rows, scores, query.limit)
        return Result(self.hits(rows, scores), total, query.criteria())

    def matched(self, query: Query) -> tuple[np.ndarray, np.ndarray]:
        """Every row the query finds, with its score (unordered)."""
        filters: list[np.ndarray] = []
        if query.bsn:
            filters.append(self._bsn.get(query.bsn))
        if query.birth_date:
            filters.append(self._birth_rows(query.birth_date))
        if query.postcode:
            filters.append(self._address_rows(query.postcode, query.house_number))
        if query.name and query.name.strip():
            rows, scores = self._name_scores(query.name)
        elif filters:
            rows = np.unique(filters.pop())
            scores = np.full(len(rows), 100.0)
        else:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        for allowed in filters:
            keep = np.isin(rows, allowed)
            rows, scores = rows[keep], scores[keep]
        return rows.astype(np.int64), scores

    def hits(self, rows: np.ndarray, scores: np.ndarray) -> list[Hit]:
        """The hits of ``rows``, best score first."""
        show = self._show
        hits = []
        order = sorted(zip(rows.tolist(), scores.tolist(), strict=True), key=lambda rs: -rs[1])
        for row, score in order:
            secret = bool(show["has_confidential_address"][row])
            name = " ".join(str(show[k][row]) for k in ("first_names", "surname_prefix",
                                                        "surname") if show[k][row])
            hits.append(Hit(
                person_id=show["person_id"][row],
                household_id=show["household_id"][row],
                name=name,
                birth_date=show["birth_date"][row],
                sex=show["sex"][row],
                city=None if secret else show["city"][row],
                confidential_address=secret,
                sources=[x for x in str(show["sources"][row] or "").split(",") if x],
                bsn_masked=show["bsn_masked"][row],
                score=round(min(float(score), 100.0), 1),
            ))
        return hits

