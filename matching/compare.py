"""Comparison levels per field, computed vectorised over candidate pairs.

Each field turns a pair into one discrete agreement level (-1 when either side is missing: no
evidence either way). String similarity is Jaro-Winkler from rapidfuzz, computed once per distinct
pair of values with ``process.cpdist`` and mapped back, never in a Python loop over pairs.
"""

from dataclasses import dataclass

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler

from matching.standardise import Prepared

MISSING = -1


@dataclass(frozen=True)
class Field:
    """A compared field and the names of its levels (index = level code)."""

    name: str
    levels: tuple[str, ...]


FIELDS: tuple[Field, ...] = (
    Field("first_name", ("different", "initial", "jw_0.80", "jw_0.92", "other_given_name",
                         "variant", "exact")),
    Field("surname", ("different", "jw_0.80", "jw_0.92", "double_name_part", "exact")),
    Field("birth_date", ("different", "one_typo", "partial_agrees", "day_month_swapped", "exact")),
    Field("bsn", ("both_valid_different", "different", "one_digit", "equal_invalid",
                  "equal_valid")),
    Field("address", ("different", "same_postcode", "exact")),
    Field("sex", ("different", "equal")),
)
FIELD_INDEX = {f.name: i for i, f in enumerate(FIELDS)}


def level_code(field: str, level: str) -> int:
    """The integer code of a named level (for tests and guards)."""
    return FIELDS[FIELD_INDEX[field]].levels.index(level)


def _similarity(strings: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Jaro-Winkler of strings[a] vs strings[b], computed once per distinct (a, b) pair."""
    out = np.zeros(a.shape[0], dtype=np.float32)
    if a.size == 0:
        return out
    lo, hi = np.minimum(a, b).astype(np.int64), np.maximum(a, b).astype(np.int64)
    key = lo * (int(hi.max()) + 1) + hi
    unique, inverse = np.unique(key, return_inverse=True)
    ua, ub = unique // (int(hi.max()) + 1), unique % (int(hi.max()) + 1)
    scores = process.cpdist(list(strings[ua]), list(strings[ub]),
                            scorer=JaroWinkler.normalized_similarity, workers=-1)
    return np.asarray(scores, dtype=np.float32)[inverse]


def _jw_bands(strings: np.ndarray, a: np.ndarray, b: np.ndarray, todo: np.ndarray,
              levels: np.ndarray, high: int, low: int) -> None:
    """Set ``levels`` to high (JW >= 0.92) or low (>= 0.80) for rows in ``todo``."""
    idx = np.flatnonzero(todo)
    sim = _similarity(strings, a[idx], b[idx])
    levels[idx[sim >= 0.80]] = low
    levels[idx[sim >= 0.92]] = high


def compare_first_name(p: Prepared, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Given-name levels: exact, variant, other given name, JW bands, initial, different."""
    fa, fb = p.fn[left], p.fn[right]
    ia, ib = p.fn_initial[left], p.fn_initial[right]
    lv = np.full(left.shape[0], level_code("first_name", "different"), dtype=np.int8)
    present = (ia >= 0) & (ib >= 0)
    lv[~present] = MISSING
    initials_only = present & ((fa < 0) | (fb < 0))
    lv[initials_only & (ia == ib)] = level_code("first_name", "initial")
    full = present & (fa >= 0) & (fb >= 0)
    exact = full & (fa == fb)
    variant = full & ~exact & (p.fn_variant[left] == p.fn_variant[right])
    lv[exact] = level_code("first_name", "exact")
    lv[variant] = level_code("first_name", "variant")
    rest = full & ~exact & ~variant
    _jw_bands(p.fn_strings, fa, fb, rest, lv, level_code("first_name", "jw_0.92"),
              level_code("first_name", "jw_0.80"))
    weak = np.flatnonzero(rest & (lv < level_code("first_name", "jw_0.92")))
    if weak.size:
        all_a, all_b = p.fn_all[left[weak]], p.fn_all[right[weak]]
        multi = np.char.find(p.fn_all_strings.astype(str), " ") >= 0
        cand = weak[multi[all_a] | multi[all_b]]
        for row in cand:
            names_a = set(p.fn_all_strings[p.fn_all[left[row]]].split(" "))
            names_b = set(p.fn_all_strings[p.fn_all[right[row]]].split(" "))
            if names_a & names_b:
                lv[row] = level_code("first_name", "other_given_name")
    return lv


def compare_surname(p: Prepared, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Surname levels: exact (core or glued form), part of a double name, JW bands, different."""
    sa, sb = p.sn[left], p.sn[right]
    lv = np.full(left.shape[0], level_code("surname", "different"), dtype=np.int8)
    present = (sa >= 0) & (sb >= 0)
    lv[~present] = MISSING
    exact = present & ((sa == sb) | (p.sn_glued[left] == p.sn_glued[right]))
    s2a, s2b = p.sn2[left], p.sn2[right]
    part = present & ~exact & (
        ((s2a >= 0) & ((s2a == sb) | (s2a == s2b))) | ((s2b >= 0) & (s2b == sa))
    )
    lv[exact] = level_code("surname", "exact")
    lv[part] = level_code("surname", "double_name_part")
    rest = present & ~exact & ~part
    _jw_bands(p.sn_strings, sa, sb, rest, lv, level_code("surname", "jw_0.92"),
              level_code("surname", "jw_0.80"))
    return lv


def compare_birth_date(p: Prepared, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Birth-date levels honouring partial dates, 1 January placeholders, swaps and typos."""
    ya, ma, da = (x[left].astype(np.int32) for x in (p.year, p.month, p.day))
    yb, mb, db = (x[right].astype(np.int32) for x in (p.year, p.month, p.day))
    lv = np.full(left.shape[0], level_code("birth_date", "different"), dtype=np.int8)
    present = (ya > 0) & (yb > 0)
    full = present & (da > 0) & (db > 0)
    exact = full & (ya == yb) & (ma == mb) & (da == db)
    swap = full & ~exact & (ya == yb) & (ma == db) & (da == mb)
    placeholder_a = (ma == 1) & (da == 1)
    placeholder_b = (mb == 1) & (db == 1)
    partial = present & ~exact & (ya == yb) & (
        ((ma == 0) | (mb == 0))
        | (((da == 0) | (db == 0)) & (ma == mb))
        | (full & (placeholder_a ^ placeholder_b))
    )
    digits_a = ya * 10000 + ma * 100 + da
    digits_b = yb * 10000 + mb * 100 + db
    diff = 0
    x, y = digits_a.copy(), digits_b.copy()
    for _ in range(8):
        diff = diff + ((x % 10) != (y % 10))
        x //= 10
        y //= 10
    typo = full & ~exact & ~swap & ~partial & (
        (diff == 1) | ((ma == mb) & (da == db) & (np.abs(ya - yb) == 1))
    )
    lv[typo] = level_code("birth_date", "one_typo")
    lv[partial] = level_code("birth_date", "partial_agrees")
    lv[swap] = level_code("birth_date", "day_month_swapped")
    lv[exact] = level_code("birth_date", "exact")
    lv[~present] = MISSING
    return lv


def compare_bsn(p: Prepared, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """BSN levels: only two valid equal BSNs are strong evidence; one digit apart is a typo."""
    ba, bb = p.bsn[left], p.bsn[right]
    va, vb = p.bsn_valid[left], p.bsn_valid[right]
    lv = np.full(left.shape[0], level_code("bsn", "different"), dtype=np.int8)
    present = (ba >= 0) & (bb >= 0)
    x, y = ba.copy(), bb.copy()
    diff = np.zeros(left.shape[0], dtype=np.int8)
    for _ in range(9):
        diff += (x % 10) != (y % 10)
        x //= 10
        y //= 10
    lv[present & (diff == 1)] = level_code("bsn", "one_digit")
    lv[present & va & vb & (ba != bb)] = level_code("bsn", "both_valid_different")
    equal = present & (ba == bb)
    lv[equal] = level_code("bsn", "equal_invalid")
    lv[equal & va] = level_code("bsn", "equal_valid")
    lv[~present] = MISSING
    return lv


def compare_address(p: Prepared, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Address levels on non-confidential addresses only (confidential ones count as missing)."""
    aa, ab = p.address[left], p.address[right]
    lv = np.full(left.shape[0], level_code("address", "different"), dtype=np.int8)
    lv[(p.postcode[left] == p.postcode[right])] = level_code("address", "same_postcode")
    lv[aa == ab] = level_code("address", "exact")
    lv[(aa < 0) | (ab < 0)] = MISSING
    return lv


def compare_sex(p: Prepared, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Sex levels: equal or different (missing when unknown)."""
    sa, sb = p.sex[left], p.sex[right]
    lv = (sa == sb).astype(np.int8)
    lv[(sa < 0) | (sb < 0)] = MISSING
    return lv


COMPARATORS = (compare_first_name, compare_surname, compare_birth_date, compare_bsn,
               compare_address, compare_sex)


def compare(p: Prepared, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Levels matrix (pairs x fields, int8, -1 missing) in the order of :data:`FIELDS`."""
    out = np.empty((left.shape[0], len(FIELDS)), dtype=np.int8)
    for column, comparator in enumerate(COMPARATORS):
        out[:, column] = comparator(p, left, right)
    return out
