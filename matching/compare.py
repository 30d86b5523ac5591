"""Comparison levels per field, computed vectorised over candidate pairs.

Each field turns a pair into one discrete agreement level (-1 when either side is missing: no
evidence either way). String similarity is Jaro-Winkler from rapidfuzz, computed once per distinct
pair of values with ``process.cpdist`` and mapped back, never in a Python loop over pairs.
"""

from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd
from rapidfuzz import process
from rapidfuzz.distance import OSA, JaroWinkler

from foundation.bsn import BSN_LENGTH
from matching.arrays import isin, unique_inverse
from matching.parallel import run_all
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
    Field("surname", ("different", "swapped_with_first_name", "jw_0.80", "jw_0.92",
                      "double_name_part", "exact")),
    Field("birth_date", ("different_far", "different", "one_typo", "partial_agrees",
                         "day_month_swapped", "exact")),
    Field("bsn", ("both_valid_different", "different", "one_digit", "equal_invalid",
                  "equal_valid", "contested")),
    Field("address", ("different", "same_postcode", "postcode_typo", "exact")),
    Field("sex", ("different", "equal")),
    Field("role", ("one_reporter", "neither_reporter", "both_reporter")),
)
FIELD_INDEX = {f.name: i for i, f in enumerate(FIELDS)}
NEUTRAL_LEVELS = (("bsn", "contested"),)
"""Levels that carry no evidence (weight 0) whatever EM estimates."""


def level_code(field: str, level: str) -> int:
    """The integer code of a named level (for tests and guards)."""
    return FIELDS[FIELD_INDEX[field]].levels.index(level)


def _distinct_pairs(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct unordered code pairs of (a, b) as (lo, hi) arrays, and each row's index."""
    lo, hi = np.minimum(a, b).astype(np.int64), np.maximum(a, b).astype(np.int64)
    base = int(hi.max()) + 1
    unique, _, inverse = unique_inverse(lo * base + hi)
    return unique // base, unique % base, inverse.ravel()


def _band(strings: np.ndarray, a: np.ndarray, b: np.ndarray, high: int, low: int,
          base: int) -> np.ndarray:
    """Per pair of string codes: high (JW >= 0.92 or one edit), low (JW >= 0.80) or ``base``.

    One edit (OSA: a dropped, doubled, swapped or wrong letter) counts as high even where
    Jaro-Winkler is harsh on short names ('Jan'/'Jn' is 0.61). Each pair is compared once by
    rapidfuzz ``process.cpdist`` on both cores.
    """
    out = np.full(a.shape[0], base, dtype=np.int8)
    if a.size == 0:
        return out
    left, right = list(strings[a]), list(strings[b])
    sim = np.asarray(process.cpdist(left, right, scorer=JaroWinkler.normalized_similarity,
                                    workers=-1), dtype=np.float32)
    edits = np.asarray(process.cpdist(left, right, scorer=OSA.distance, workers=-1))
    lengths = _lengths(strings)
    longest = np.maximum(lengths[a], lengths[b])
    out[sim >= 0.80] = low
    out[(sim >= 0.92) | ((edits <= 1) & (longest >= 3))] = high
    return out


def _jw_bands(strings: np.ndarray, a: np.ndarray, b: np.ndarray, todo: np.ndarray,
              levels: np.ndarray, high: int, low: int) -> None:
    """Set ``levels`` to high or low (see :func:`_band`) for rows in ``todo``, computed once per
    distinct pair of values."""
    idx = np.flatnonzero(todo)
    if idx.size == 0:
        return
    lo, hi, inverse = _distinct_pairs(a[idx], b[idx])
    band = _band(strings, lo, hi, high, low, -1)[inverse]
    raised = band >= 0
    levels[idx[raised]] = band[raised]


def _lengths(strings: np.ndarray) -> np.ndarray:
    return np.fromiter((len(x) for x in strings), dtype=np.int32, count=len(strings))


def _second_initials(p: Prepared) -> np.ndarray:
    """Per distinct 'all given names' value, the code of its second given name's initial (-1:
    only one given name); index -1 (no given names) reads the appended -1."""
    letters = [v.split(" ")[1][:1] if " " in v else "" for v in p.fn_all_strings]
    codes = np.array([ord(x) if x else -1 for x in letters] + [-1], dtype=np.int64)
    return codes


def compare_first_name(p: Prepared, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Given-name levels: exact, variant, other given name, JW bands, initial, different."""
    fa, fb = p.fn[left], p.fn[right]
    lv = np.full(left.shape[0], level_code("first_name", "different"), dtype=np.int8)
    # a given name implies its initial, so initials are looked up only where a name is missing
    # (each lookup over millions of pairs is a random gather: they are kept to the rows needed)
    full = (fa >= 0) & (fb >= 0)
    partial = np.flatnonzero(~full)
    ia, ib = p.fn_initial[left[partial]], p.fn_initial[right[partial]]
    present = (ia >= 0) & (ib >= 0)
    lv[partial[~present]] = MISSING
    same_initial = partial[present & (ia == ib)]
    lv[same_initial] = level_code("first_name", "initial")
    # 'N.F.' against 'Nordin Othman': the second initials differ, so another person (a twin)
    second = _second_initials(p)
    sa, sb = second[p.fn_all[left[same_initial]]], second[p.fn_all[right[same_initial]]]
    lv[same_initial[(sa >= 0) & (sb >= 0) & (sa != sb)]] = level_code("first_name", "different")
    exact = full & (fa == fb)
    lv[exact] = level_code("first_name", "exact")
    other = np.flatnonzero(full & ~exact)
    variant = p.fn_variant[left[other]] == p.fn_variant[right[other]]
    lv[other[variant]] = level_code("first_name", "variant")
    rest = other[~variant]
    if rest.size:
        high, low = level_code("first_name", "jw_0.92"), level_code("first_name", "jw_0.80")
        lo, hi, inverse = _distinct_pairs(fa[rest], fb[rest])
        different = level_code("first_name", "different")
        band = _band(p.fn_strings, lo, hi, high, low, different)
        # a typo in a transliterated name ('Yosusef' for 'Yusuf'): compare the variant keys
        # too; the variant key is a function of the first given name
        variant_of = np.full(len(p.fn_strings), -1, dtype=np.int64)
        named = p.fn >= 0
        variant_of[p.fn[named]] = p.fn_variant[named]
        band = np.maximum(band, _band(p.fn_variant_strings, variant_of[lo], variant_of[hi],
                                      high, low, different))
        # letters scrambled ('Anna'/'Naan', 'Ruben'/'Bruen'): a typing error, not another name,
        # so it must not look like a twin's given name
        sorted_letters = pd.factorize(pd.Series(["".join(sorted(x)) for x in p.fn_strings],
                                                dtype="str"))[0]
        scrambled = (band < high) & (sorted_letters[lo] == sorted_letters[hi])
        band[scrambled] = high
        lv[rest] = band[inverse]
    weak = rest[lv[rest] < level_code("first_name", "jw_0.92")]
    if weak.size:
        # 'Jan Pieter' versus 'Pieter': any given name in common
        ta = p.fn_tokens[p.fn_all[left[weak]]]
        tb = p.fn_tokens[p.fn_all[right[weak]]]
        common = ((ta[:, :, None] == tb[:, None, :]) & (ta[:, :, None] >= 0)).any(axis=(1, 2))
        lv[weak[common]] = level_code("first_name", "other_given_name")
    return lv


def compare_surname(p: Prepared, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Surname levels: exact (core or glued form), part of a double name, JW bands, different."""
    sa, sb = p.sn[left], p.sn[right]
    lv = np.full(left.shape[0], level_code("surname", "different"), dtype=np.int8)
    present = (sa >= 0) & (sb >= 0)
    lv[~present] = MISSING
    lv[present & (sa == sb)] = level_code("surname", "exact")
    # glued forms and second parts are looked up only for pairs whose cores differ
    other = np.flatnonzero(present & (sa != sb))
    a, b = left[other], right[other]
    glued = p.sn_glued[a] == p.sn_glued[b]
    lv[other[glued]] = level_code("surname", "exact")
    other, a, b = other[~glued], a[~glued], b[~glued]
    s2a, s2b, oa, ob = p.sn2[a], p.sn2[b], sa[other], sb[other]
    part = ((s2a >= 0) & ((s2a == ob) | (s2a == s2b))) | ((s2b >= 0) & (s2b == oa))
    lv[other[part]] = level_code("surname", "double_name_part")
    rest = np.zeros(left.shape[0], dtype=bool)
    rest[other[~part]] = True
    _jw_bands(p.sn_strings, sa, sb, rest, lv, level_code("surname", "jw_0.92"),
              level_code("surname", "jw_0.80"))
    return lv


def _digit_table() -> np.ndarray:
    """Number of differing decimal digits of every pair of 3-digit groups (1000 x 1000, int8)."""
    d = np.arange(1000)
    digits = np.stack([d // 100, d // 10 % 10, d % 10], axis=1)
    table: np.ndarray = (digits[:, None, :] != digits[None, :, :]).sum(axis=2).astype(np.int8)
    return table


_DIGIT_DIFF = _digit_table()
_DIGIT_DIFF_FLAT = _DIGIT_DIFF.ravel()


def digit_differences(a: np.ndarray, b: np.ndarray, groups: int) -> np.ndarray:
    """Differing decimal digits among the lowest ``3 * groups`` digits of a and b (per element).

    A table of 3-digit groups replaces a loop of nine divisions per digit: the BSN and date
    typo checks run over every candidate pair.
    """
    x, y = a.astype(np.int64), b.astype(np.int64)
    diff = np.zeros(x.shape[0], dtype=np.int8)
    for _ in range(groups):
        x, low_x = np.divmod(x, 1000)
        y, low_y = np.divmod(y, 1000)
        diff += _DIGIT_DIFF_FLAT[low_x * 1000 + low_y]  # one flat take: cheaper than [i, j]
    return diff


def compare_birth_date(p: Prepared, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Birth-date levels honouring partial dates, 1 January placeholders, swaps and typos.

    'different_far' (three or more years apart, not one typo) separates a parent and a child or
    siblings with the same name from a real date error, which is nearly always one digit.
    """
    # one gather per side of the date packed as yyyymmdd, then split by constant divisions
    packed = p.year.astype(np.int32) * 10000 + p.month.astype(np.int32) * 100 + p.day
    date_a, date_b = packed[left], packed[right]
    ya, month_day_a = np.divmod(date_a, 10000)
    yb, month_day_b = np.divmod(date_b, 10000)
    ma, da = np.divmod(month_day_a, 100)
    mb, db = np.divmod(month_day_b, 100)
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
    typo = full & ~exact & ~swap & ~partial & ~placeholder_a & ~placeholder_b
    maybe = np.flatnonzero(typo)  # digits are counted only where a typo is still possible
    diff = digit_differences(date_a[maybe], date_b[maybe], 3)
    typo[maybe] = (diff == 1) | (
        (ma[maybe] == mb[maybe]) & (da[maybe] == db[maybe]) & (np.abs(ya[maybe] - yb[maybe]) == 1))
    lv[present & (np.abs(ya - yb) >= 3)] = level_code("birth_date", "different_far")
    lv[typo] = level_code("birth_date", "one_typo")
    lv[partial] = level_code("birth_date", "partial_agrees")
    lv[swap] = level_code("birth_date", "day_month_swapped")
    lv[exact] = level_code("birth_date", "exact")
    lv[~present] = MISSING
    return lv



def adjacent_swap(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per element: do a and b differ only by two neighbouring digits swapped (1234 / 1324)?

    A transposition is one typing error, like a changed digit (Damerau); the elfproef catches
    both in a valid BSN, so the mistyped copy is always an invalid one.
    """
    x, y = a.astype(np.int64), b.astype(np.int64)
    out = np.zeros(x.shape[0], dtype=bool)
    for position in range(BSN_LENGTH - 1):
        scale = 10**position
        pair_x, pair_y = (x // scale) % 100, (y // scale) % 100
        rest_equal = (x - pair_x * scale) == (y - pair_y * scale)
        swapped = (pair_x // 10 == pair_y % 10) & (pair_x % 10 == pair_y // 10)
        out |= rest_equal & swapped & (pair_x != pair_y)
    return out


def compare_bsn(p: Prepared, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """BSN levels: only two valid equal BSNs are strong evidence; one digit changed, or two
    neighbouring digits swapped, is a typo ('one_digit')."""
    ba, bb = p.bsn[left], p.bsn[right]
    va, vb = p.bsn_valid[left], p.bsn_valid[right]
    lv = np.full(left.shape[0], level_code("bsn", "different"), dtype=np.int8)
    present = (ba >= 0) & (bb >= 0)
    unequal = np.flatnonzero(present & (ba != bb))  # digits are counted only where they differ
    differing = digit_differences(ba[unequal], bb[unequal], 3)
    lv[unequal[differing == 1]] = level_code("bsn", "one_digit")
    two = unequal[differing == 2]
    lv[two[adjacent_swap(ba[two], bb[two])]] = level_code("bsn", "one_digit")
    lv[present & va & vb & (ba != bb)] = level_code("bsn", "both_valid_different")
    equal = present & (ba == bb)
    lv[equal] = level_code("bsn", "equal_invalid")
    lv[equal & va] = level_code("bsn", "equal_valid")
    lv[p.bsn_contested[left] | p.bsn_contested[right]] = level_code("bsn", "contested")
    lv[~present] = MISSING
    return lv


def compare_address(p: Prepared, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Address levels on non-confidential addresses only (confidential ones count as missing).

    'postcode_typo': same 4-digit area, house number, letter and suffix but other postcode letters
    (1441JD versus 1441DJ).
    """
    aa, ab = p.address[left], p.address[right]
    lv = np.full(left.shape[0], level_code("address", "different"), dtype=np.int8)
    lv[(p.postcode[left] == p.postcode[right])] = level_code("address", "same_postcode")
    typo = (p.house_key[left] == p.house_key[right]) & (p.house_key[left] >= 0)
    lv[typo & (aa != ab)] = level_code("address", "postcode_typo")
    lv[aa == ab] = level_code("address", "exact")
    lv[(aa < 0) | (ab < 0)] = MISSING
    return lv


def contested_bsns(p: Prepared, left: np.ndarray, right: np.ndarray,
                   levels: np.ndarray) -> np.ndarray:
    """Records whose BSN (valid or not) is also carried by a clearly different person.

    When two records share a valid BSN but clearly differ in given name (twins share a birth
    date), or differ in birth date without a full given name that agrees, one of them holds a
    relative's BSN (a sibling's, typically). Which one is unknown, so the BSN stops being evidence
    on every record that carries it: neither for linking nor as a conflict between clusters.
    """
    fn_i, bd_i, bsn_i = FIELD_INDEX["first_name"], FIELD_INDEX["birth_date"], FIELD_INDEX["bsn"]
    equal = np.isin(levels[:, bsn_i], (level_code("bsn", "equal_valid"),
                                       level_code("bsn", "equal_invalid")))
    clash = (
        equal
        & (levels[:, fn_i] == level_code("first_name", "different"))
        & (p.fn[left] >= 0) & (p.fn[right] >= 0)
    ) | (
        equal
        & (levels[:, bd_i] >= 0) & (levels[:, bd_i] <= level_code("birth_date", "different"))
        & (levels[:, fn_i] <= level_code("first_name", "initial"))
    )
    contested: np.ndarray = isin(p.bsn, p.bsn[left[clash]]) & (p.bsn >= 0)
    return contested


def compare_sex(p: Prepared, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Sex levels: equal or different (missing when unknown)."""
    sa, sb = p.sex[left], p.sex[right]
    lv: np.ndarray = (sa == sb).astype(np.int8)
    lv[(sa < 0) | (sb < 0)] = MISSING
    return lv


def compare_role(p: Prepared, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Reporter roles: professionals report many meldingen, so two reporter rows of one surname
    are likely one person, and a reporter row is rarely a family member's record. Reporters with
    different surnames count as 'neither' (colleagues at one school or station)."""
    ra, rb = p.reporter[left], p.reporter[right]
    lv = np.full(left.shape[0], level_code("role", "neither_reporter"), dtype=np.int8)
    lv[ra != rb] = level_code("role", "one_reporter")
    # colleagues share a work address: 'both reporters' counts only with one surname
    same_name = (p.sn[left] == p.sn[right]) | (p.sn_glued[left] == p.sn_glued[right])
    lv[ra & rb & same_name & (p.sn[left] >= 0)] = level_code("role", "both_reporter")
    lv[~p.role_known[left] | ~p.role_known[right]] = MISSING
    return lv


COMPARATORS = (compare_first_name, compare_surname, compare_birth_date, compare_bsn,
               compare_address, compare_sex, compare_role)


def swapped_names(p: Prepared, left: np.ndarray, right: np.ndarray, levels: np.ndarray
                  ) -> np.ndarray:
    """Pairs whose given name and surname were entered the wrong way round on one side.

    The first given name of each equals the surname of the other, or one cross agreement is exact
    and the other is one edit or Jaro-Winkler >= 0.92 apart. Only pairs whose names do not agree
    directly are considered.
    """
    fn_i, sn_i = FIELD_INDEX["first_name"], FIELD_INDEX["surname"]
    todo = np.flatnonzero(
        (levels[:, sn_i] >= 0) & (levels[:, sn_i] < level_code("surname", "jw_0.92"))
        & (levels[:, fn_i] >= 0) & (levels[:, fn_i] < level_code("first_name", "jw_0.92"))
        & (p.fn[left] >= 0) & (p.fn[right] >= 0)
    )
    out = np.zeros(left.shape[0], dtype=bool)
    if todo.size == 0:
        return out
    a, b = left[todo], right[todo]
    cross_ab = (p.fn_as_sn[a] == p.sn[b]) & (p.sn[b] >= 0)
    cross_ba = (p.fn_as_sn[b] == p.sn[a]) & (p.sn[a] >= 0)
    one = np.flatnonzero(cross_ab ^ cross_ba)
    swapped = cross_ab & cross_ba
    if one.size:
        # the other cross pair: given name of one side against the surname of the other
        fn_side = np.where(cross_ab[one], b[one], a[one])
        sn_side = np.where(cross_ab[one], a[one], b[one])
        names = list(p.fn_strings[p.fn[fn_side]])
        surnames = list(p.sn_strings[p.sn[sn_side]])
        jw = np.asarray(process.cpdist(names, surnames,
                                       scorer=JaroWinkler.normalized_similarity))
        edits = np.asarray(process.cpdist(names, surnames, scorer=OSA.distance))
        swapped[one] = (jw >= 0.92) | (edits <= 1)
    out[todo[swapped]] = True
    return out


def compare(p: Prepared, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Levels matrix (pairs x fields, int8, -1 missing) in the order of :data:`FIELDS`.

    A name swap is scored once, as surname level 'swapped_with_first_name'; the given-name field
    then counts as missing (its evidence is in that level, and twins must not be guarded on it).
    """
    out = np.empty((left.shape[0], len(FIELDS)), dtype=np.int8)
    # the fields are independent: compare them on both cores
    columns = run_all([partial(comparator, p, left, right) for comparator in COMPARATORS])
    for column, levels in enumerate(columns):
        out[:, column] = levels
    swapped = swapped_names(p, left, right, out)
    out[swapped, FIELD_INDEX["surname"]] = level_code("surname", "swapped_with_first_name")
    out[swapped, FIELD_INDEX["first_name"]] = MISSING
    return out
