"""Blocking: cheap rules whose union gives the candidate pairs worth comparing.

Each rule emits, per record, zero or more integer keys; records sharing a key form a block and every
pair inside a block is a candidate. Pairs are generated in numpy: after sorting
by key, the d-th neighbour of every record in the same block is paired, for d = 1, 2, ...

Blocks larger than ``max_block_size`` (an empty value slipped through, a very common name, a
professional reporter in hundreds of meldingen) are not compared all-pairs: each record is paired
only with its next ``window`` neighbours in the block (sorted neighbourhood). That keeps the work
linear while a chain of matches still connects a person's many records.
"""

from collections.abc import Callable
from functools import partial

import numpy as np
import numpy.typing as npt
import pandas as pd

from foundation.bsn import BSN_LENGTH
from matching.arrays import sort_pairs, unique_sorted
from matching.parallel import run_all
from matching.standardise import Prepared

KeyRule = Callable[[Prepared], tuple[np.ndarray, np.ndarray]]


def _combine(*parts: np.ndarray) -> np.ndarray:
    """One int64 key per row from several integer columns; -1 when any part is missing.

    The parts are combined in mixed radix; only when the product of their ranges could overflow
    is the running key made dense (hash-based ``pd.factorize``, linear). Keys only group rows,
    so their values do not matter, only which rows share one.
    """
    key = np.zeros(parts[0].shape[0], dtype=np.int64)
    missing = np.zeros(parts[0].shape[0], dtype=bool)
    bound = 1
    for part in parts:
        part = part.astype(np.int64)
        missing |= part < 0
        radix = int(part.max(initial=0)) + 2
        if bound * radix >= 2**62:
            key = pd.factorize(key)[0].astype(np.int64)
            bound = int(key.max(initial=0)) + 1
        key = key * radix + (part + 1)
        bound *= radix
    key[missing] = -1
    return key


def _single(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    rows = np.flatnonzero(key >= 0)
    return rows, key[rows]


def _person_only(p: Prepared, key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Keys of the rules on names without an address: reporter rows (professionals, who carry
    neither birth date nor home address) are left out; their records meet at their work address
    (``address_first_initial``), and two professionals of one name elsewhere are two people."""
    return _single(np.where(p.reporter, -1, key))


def _full_date(p: Prepared) -> npt.NDArray[np.int64]:
    """Day and month in sorted order, so a day/month swap lands in the same block."""
    lo = np.minimum(p.month, p.day).astype(np.int64)
    hi = np.maximum(p.month, p.day).astype(np.int64)
    known = (p.day > 0) & (p.year > 0)
    code = np.where(known, p.year.astype(np.int64) * 10000 + lo * 100 + hi, -1)
    return code


def rule_bsn(p: Prepared) -> tuple[np.ndarray, np.ndarray]:
    """Same BSN digits (valid or not: an invalid one is a hint worth comparing)."""
    return _single(np.where(p.bsn >= 0, p.bsn, -1))


def rule_surname_birth_date(p: Prepared) -> tuple[np.ndarray, np.ndarray]:
    """Same surname core (either part of a double name) and full birth date (swap tolerant)."""
    date = _full_date(p)
    n = p.n
    parts = np.concatenate([p.sn, p.sn2])
    dates = np.concatenate([date, date])
    key = _combine(parts, dates)
    rows = np.concatenate([np.arange(n), np.arange(n)])
    keep = key >= 0
    return rows[keep], key[keep]


def rule_first_name_birth_date(p: Prepared) -> tuple[np.ndarray, np.ndarray]:
    """Same given-name variant and full birth date: finds surname changes and typos."""
    return _single(_combine(p.fn_variant, _full_date(p)))


def rule_first_name_surname_year(p: Prepared) -> tuple[np.ndarray, np.ndarray]:
    """Same given-name variant, surname core and birth year: finds swapped, placeholder and
    partial birth dates (a name pair alone makes giant blocks for 'Mohamed El Amrani')."""
    year = np.where(p.year > 0, p.year, -1)
    return _single(_combine(p.fn_variant, p.sn, year))


def rule_first_name_surname_day(p: Prepared) -> tuple[np.ndarray, np.ndarray]:
    """Same given-name variant, surname core, month and day: finds a typo in the birth year."""
    day = np.where(p.day > 0, p.month.astype(np.int64) * 100 + p.day, -1)
    return _single(_combine(p.fn_variant, p.sn, day))


def rule_address_first_initial(p: Prepared) -> tuple[np.ndarray, np.ndarray]:
    """Same non-confidential address and first initial: finds name and date errors at home."""
    return _single(_combine(p.address, p.fn_initial))


def rule_address_birth_date(p: Prepared) -> tuple[np.ndarray, np.ndarray]:
    """Same non-confidential address and full birth date (swap tolerant): finds records whose
    names are both wrong or missing (siblings at one address have other dates; twins are
    guarded when scored)."""
    return _single(_combine(p.address, _full_date(p)))


def rule_house_surname_initial(p: Prepared) -> tuple[np.ndarray, np.ndarray]:
    """Same 4-digit postcode area, house number, surname and first initial: finds
    postcode-letter typos ('1505WT' for '1505TW')."""
    return _single(_combine(p.house_key, p.sn, p.fn_initial))


def rule_surname_birth_year_initial(p: Prepared) -> tuple[np.ndarray, np.ndarray]:
    """Same surname, birth year and first initial: finds given-name typos with a date error."""
    year = np.where(p.year > 0, p.year, -1)
    return _single(_combine(p.sn, year, p.fn_initial))


def rule_first_name_surname(p: Prepared) -> tuple[np.ndarray, np.ndarray]:
    """Same given-name variant and surname core (either part of a double name), whatever the
    birth date: finds records without a usable date (missing, placeholder, two errors). Common
    name pairs make big blocks, which are windowed like every other."""
    n = p.n
    fn = np.where(p.reporter, -1, p.fn_variant)
    key = _combine(np.concatenate([fn, fn]), np.concatenate([p.sn, p.sn2]))
    rows = np.concatenate([np.arange(n), np.arange(n)])
    keep = key >= 0
    return rows[keep], key[keep]


SURNAME_PREFIX = 4
"""Letters of the surname core in :func:`rule_first_name_surname_prefix`."""


def rule_first_name_surname_prefix(p: Prepared) -> tuple[np.ndarray, np.ndarray]:
    """Same given-name variant and first four letters of the surname core: finds a typo late
    in a long surname ('Kasanmoentalieb'/'Kasanmoentalib') when the birth date is missing."""
    prefixes = pd.factorize(pd.Series([str(v)[:SURNAME_PREFIX] for v in p.sn_strings],
                                      dtype="str"))[0] if len(p.sn_strings) else np.zeros(0)
    prefix = np.where(p.sn >= 0, prefixes[np.maximum(p.sn, 0)] if prefixes.size else -1, -1)
    return _person_only(p, _combine(p.fn_variant, prefix))


def rule_birth_date_initial(p: Prepared) -> tuple[np.ndarray, np.ndarray]:
    """Same full birth date (swap tolerant) and first initial: finds a surname typo or change
    together with initials or a given-name error (a date holds few people per initial)."""
    return _person_only(p, _combine(_full_date(p), p.fn_initial))


def rule_names_swapped(p: Prepared) -> tuple[np.ndarray, np.ndarray]:
    """The unordered pair {first given name, surname} in one code space: 'Emre Yilmaz' and
    'Yilmaz Emre' share a key (given name and surname entered the wrong way round)."""
    lo = np.minimum(p.fn_as_sn, p.sn)
    hi = np.maximum(p.fn_as_sn, p.sn)
    return _person_only(p, _combine(np.where(p.fn_as_sn >= 0, lo, -1), hi))


def rule_surname_birth_year_sex(p: Prepared) -> tuple[np.ndarray, np.ndarray]:
    """Same surname core, birth year and sex: finds a record with its given name missing or
    replaced and a day or month error at once."""
    year = np.where(p.year > 0, p.year, -1)
    return _person_only(p, _combine(p.sn, year, p.sex))


def rule_first_name_birth_month_day(p: Prepared) -> tuple[np.ndarray, np.ndarray]:
    """Same given-name variant and day/month of birth (swap tolerant), any year: finds a record
    without surname (or with another surname) and a typo in the birth year."""
    lo = np.minimum(p.month, p.day).astype(np.int64)
    hi = np.maximum(p.month, p.day).astype(np.int64)
    day = np.where(p.day > 0, lo * 100 + hi, -1)
    return _person_only(p, _combine(p.fn_variant, day))


def _swap_tolerant_day(p: Prepared) -> np.ndarray:
    """Day and month of birth in sorted order (-1 unknown): a day/month swap gives one code."""
    lo = np.minimum(p.month, p.day).astype(np.int64)
    hi = np.maximum(p.month, p.day).astype(np.int64)
    return np.where(p.day > 0, lo * 100 + hi, -1)


def _first_letter(codes: np.ndarray, strings: np.ndarray) -> np.ndarray:
    """First letter of each record's coded name as its code point (-1: no name)."""
    if not len(strings):
        return np.full(codes.shape[0], -1, dtype=np.int64)
    letters = np.array([ord(str(v)[:1] or "\0") for v in strings], dtype=np.int64)
    return np.where(codes >= 0, letters[np.maximum(codes, 0)], -1)


def rule_surname_day_initial(p: Prepared) -> tuple[np.ndarray, np.ndarray]:
    """Same surname core, day and month of birth (swap tolerant) and first initial: finds a
    typo in the birth year when one side has initials only ('W.M. Scholten 1984-12-12' and
    'Willem Mike Scholten 1986-12-12'), which the given-name-variant rules cannot see. Only
    records with initials are paired (anchors): with a given name the variant rules apply."""
    return _person_only(p, _combine(p.sn, _swap_tolerant_day(p), p.fn_initial))


def rule_surname_initial(p: Prepared) -> tuple[np.ndarray, np.ndarray]:
    """Same surname core and first initial, whatever the birth date: pairs a record without a
    usable date with its namesakes when one side has initials only ('J. Kleijn' and 'Julia
    Kleijn'). Broad, so anchored on records without a full date."""
    return _person_only(p, _combine(p.sn, p.fn_initial))


def rule_birth_date_name_initials(p: Prepared) -> tuple[np.ndarray, np.ndarray]:
    """Same full birth date (swap tolerant) and the same two first letters of given name and
    surname, in either order: finds a typo in both names at once ('Anneloes Cornelissen' /
    'Anneleos Cornellisen'), also with the names swapped ('Siggins Barnaby' / 'Barnabh
    Siggins'), which no rule needing one exact name sees; a date holds few such pairs."""
    given = _first_letter(p.fn_all, p.fn_all_strings)
    surname = _first_letter(p.sn, p.sn_strings)
    return _person_only(p, _combine(_full_date(p), np.minimum(given, surname),
                                    np.maximum(given, surname)))



def rule_bsn_typo(p: Prepared) -> tuple[np.ndarray, np.ndarray]:
    """The BSN with one digit left out, each digit in turn (a deletion neighbourhood): two
    identifiers one typing error apart (a digit changed, two neighbouring digits swapped, one
    digit dropped or added) share a key. A mistyped valid BSN always fails the elfproef, so
    only records with an invalid identifier are paired with their blocks (anchors); a run of
    equal digits gives one key, not one per digit."""
    rows = np.flatnonzero(p.bsn >= 0)
    high = p.bsn[rows].astype(np.int64)
    low = np.zeros(rows.size, dtype=np.int64)
    below = np.full(rows.size, -1, dtype=np.int64)
    keys = np.empty((BSN_LENGTH, rows.size), dtype=np.int64)
    keep = np.empty((BSN_LENGTH, rows.size), dtype=bool)
    scale = 1
    for position in range(BSN_LENGTH):  # scalar divisors: numpy's fast integer division
        high, digit = np.divmod(high, 10)
        keys[position] = high * scale + low
        keep[position] = digit != below  # deleting either of two equal digits: one key
        low += digit * scale
        scale *= 10
        below = digit
    return np.broadcast_to(rows, keep.shape)[keep], keys[keep]


def rule_reporter_surname_initial(p: Prepared) -> tuple[np.ndarray, np.ndarray]:
    """Reporter rows only: same surname and first initial. A professional reports in many
    meldingen, often without a work address and with initials only; other persons are never
    in these blocks."""
    return _single(np.where(p.reporter, _combine(p.sn, p.fn_initial), -1))


RULES: dict[str, KeyRule] = {
    "bsn": rule_bsn,
    "surname_birth_date": rule_surname_birth_date,
    "first_name_birth_date": rule_first_name_birth_date,
    "first_name_surname_year": rule_first_name_surname_year,
    "first_name_surname_day": rule_first_name_surname_day,
    "address_first_initial": rule_address_first_initial,
    "address_birth_date": rule_address_birth_date,
    "surname_birth_year_initial": rule_surname_birth_year_initial,
    "house_surname_initial": rule_house_surname_initial,
    "first_name_surname": rule_first_name_surname,
    "names_swapped": rule_names_swapped,
    "surname_birth_year_sex": rule_surname_birth_year_sex,
    "first_name_birth_month_day": rule_first_name_birth_month_day,
    "reporter_surname_initial": rule_reporter_surname_initial,
    "first_name_surname_prefix": rule_first_name_surname_prefix,
    "birth_date_initial": rule_birth_date_initial,
    "surname_day_initial": rule_surname_day_initial,
    "surname_initial": rule_surname_initial,
    "birth_date_name_initials": rule_birth_date_name_initials,
    "bsn_typo": rule_bsn_typo,
}


def _without_full_date(p: Prepared) -> np.ndarray:
    return (p.year <= 0) | (p.day <= 0)


def _without_given_name(p: Prepared) -> np.ndarray:
    return p.fn < 0


def _without_surname(p: Prepared) -> np.ndarray:
    return p.sn < 0


def _invalid_bsn(p: Prepared) -> np.ndarray:
    invalid: np.ndarray = (p.bsn >= 0) & ~p.bsn_valid
    return invalid


def _initials_only(p: Prepared) -> np.ndarray:
    return (p.fn_variant < 0) & (p.fn_initial >= 0)


ANCHORS: dict[str, Callable[[Prepared], np.ndarray]] = {
    "first_name_surname": _without_full_date,
    "first_name_surname_prefix": _without_full_date,
    "surname_birth_year_sex": _without_given_name,
    "birth_date_initial": _without_given_name,
    "first_name_birth_month_day": _without_surname,
    "surname_initial": _without_full_date,
    "surname_day_initial": _initials_only,
    "bsn_typo": _invalid_bsn,
}
"""Broad rules pair only these records (those lacking what the narrow rules need) with their
block (:func:`pairs_with_anchors`): a rule on a name pair alone would give every 'Jan de Vries'
all others (8 million pairs at a million records); only records without a full birth date need
it."""


def _one_side_initials(p: Prepared, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    initials = _initials_only(p)
    either: np.ndarray = initials[left] | initials[right]
    return either


def _other_bsn(p: Prepared, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    other: np.ndarray = p.bsn[left] != p.bsn[right]
    return other


PAIR_FILTERS: dict[str, Callable[[Prepared, np.ndarray, np.ndarray], np.ndarray]] = {
    "surname_initial": _one_side_initials,
    "bsn_typo": _other_bsn,
}
"""Pairs a rule keeps: ``surname_initial`` exists for initials against a given name; two given
names meet in the given-name rules (at a million records this drops most of its pairs);
``bsn_typo`` exists for other identifiers (equal ones meet in ``bsn``)."""


BLOCKED_FIELDS: dict[str, tuple[str, ...]] = {
    "bsn": ("bsn",),
    "surname_birth_date": ("surname", "birth_date"),
    "first_name_birth_date": ("first_name", "birth_date"),
    "first_name_surname_year": ("first_name", "surname", "birth_date"),
    "first_name_surname_day": ("first_name", "surname", "birth_date"),
    "address_first_initial": ("address", "first_name"),
    "address_birth_date": ("address", "birth_date"),
    "surname_birth_year_initial": ("surname", "birth_date", "first_name"),
    "house_surname_initial": ("surname", "address", "first_name"),
    "first_name_surname": ("first_name", "surname"),
    "names_swapped": ("first_name", "surname"),
    "surname_birth_year_sex": ("surname", "birth_date", "sex"),
    "first_name_birth_month_day": ("first_name", "birth_date"),
    "reporter_surname_initial": ("surname", "first_name", "role"),
    "first_name_surname_prefix": ("first_name", "surname"),
    "birth_date_initial": ("birth_date", "first_name"),
    "surname_day_initial": ("surname", "birth_date", "first_name"),
    "surname_initial": ("surname", "first_name"),
    "birth_date_name_initials": ("birth_date", "first_name", "surname"),
    "bsn_typo": ("bsn",),
}
"""Compared fields each rule's pairs agree on by construction, wholly or in part (a birth year,
a day and month): excluded from its EM session, whose pairs would show a biased picture of them."""


def pairs_in_blocks(rows: np.ndarray, keys: np.ndarray, max_block_size: int, window: int
                    ) -> tuple[np.ndarray, np.ndarray, int, int]:
    """All pairs (left < right) of rows sharing a key; oversized blocks only within ``window``.

    Returns (left, right, windowed blocks, records in windowed blocks).
    """
    keys, rows = sort_pairs(keys, rows)
    if keys.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, 0, 0
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    sizes = np.diff(np.r_[starts, keys.size])
    big = sizes > max_block_size
    windowed, windowed_records = int(big.sum()), int(sizes[big].sum())
    # each record pairs with the next min(records after it, reach) records of its block: the
    # pairs are spelled out with repeat and a running offset, without a loop over distances
    reach = np.repeat(np.where(big, window, sizes), sizes)
    position = np.arange(keys.size) - np.repeat(starts, sizes)
    after = np.repeat(sizes, sizes) - position - 1
    count = np.maximum(np.minimum(after, reach), 0)
    first = np.repeat(np.arange(keys.size), count)
    step = np.arange(first.size) - np.repeat(np.cumsum(count) - count, count) + 1
    # rows are sorted within a block, so left <= right; equal rows (one record under two keys
    # of one rule) are no pair
    left, right = rows[first].astype(np.int64), rows[first + step].astype(np.int64)
    same = left != right
    return left[same], right[same], windowed, windowed_records


ANCHOR_TABLE_BITS = 24


def _near_anchors(keys: np.ndarray, rows: np.ndarray, anchor: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
    """The (keys, rows) whose key may be an anchor's: only blocks holding an anchor give pairs.

    A table indexed by the low bits of the anchors' keys (at most 2**24 slots, 16 MB) drops
    keys that surely meet no anchor before the sort; a slot shared by chance keeps a few keys
    too many, never too few. ``bsn_typo`` has nine keys per record and about one record in ten
    anchored: at a million records this turns a 0.5 s sort of 6.5 million keys into 0.1 s.
    """
    bits = min(ANCHOR_TABLE_BITS, max(10, int(np.count_nonzero(anchor)).bit_length() + 4))
    mask = (1 << bits) - 1
    table = np.zeros(mask + 1, dtype=bool)
    table[keys[anchor] & mask] = True
    wanted = table[keys & mask]
    return keys[wanted], rows[wanted]


def pairs_with_anchors(rows: np.ndarray, keys: np.ndarray, anchor: np.ndarray,
                       max_block_size: int, window: int) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Pairs (left < right) of rows sharing a key of which at least one is an anchor.

    The broad rules (a name pair without date, a surname and birth year) exist for records that
    lack what the narrow rules need (a usable birth date, a given name, a surname): only such
    records, the anchors, are paired with their block, so the rule costs work in proportion to
    them, not to the population. An anchor in an oversized block meets its ``window`` neighbours
    on either side. Blocks without an anchor are dropped first (:func:`_near_anchors`), so the
    windowed blocks counted are those that may hold an anchor.
    """
    empty = np.zeros(0, dtype=np.int64)
    if keys.size == 0 or not anchor.any():
        return empty, empty, 0, 0
    # anchoring is a property of the record: look it up by row after one packed sort, which is
    # several times faster than a lexsort of millions of keys (bsn_typo has nine per record)
    anchor_of_row = np.zeros(int(rows.max()) + 1, dtype=bool)
    anchor_of_row[rows[anchor]] = True
    keys, rows = sort_pairs(*_near_anchors(keys, rows, anchor))
    anchor = anchor_of_row[rows]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    sizes = np.diff(np.r_[starts, keys.size])
    big = sizes > max_block_size
    windowed, windowed_records = int(big.sum()), int(sizes[big].sum())
    block_of = np.repeat(np.arange(starts.size), sizes)
    at = np.flatnonzero(anchor)
    start, end = starts[block_of[at]], starts[block_of[at]] + sizes[block_of[at]]
    lo = np.where(big[block_of[at]], np.maximum(start, at - window), start)
    hi = np.where(big[block_of[at]], np.minimum(end, at + window + 1), end)
    count = hi - lo
    first = np.repeat(at, count)
    other = np.repeat(lo, count) + (np.arange(first.size) - np.repeat(np.cumsum(count) - count,
                                                                      count))
    a, b = rows[first].astype(np.int64), rows[other].astype(np.int64)
    keep = a != b
    a, b = a[keep], b[keep]
    return np.minimum(a, b), np.maximum(a, b), windowed, windowed_records


def block(p: Prepared, rule_names: tuple[str, ...], max_block_size: int, window: int = 8
          ) -> tuple[np.ndarray, np.ndarray, dict[str, dict[str, int]], dict[str, np.ndarray]]:
    """Union of the candidate pairs of all rules, sorted; stats give pairs per rule.

    Also returns each rule's own pairs as codes ``left * n + right`` (for per-rule EM sessions).
    """
    per_rule: dict[str, np.ndarray] = {}
    stats: dict[str, dict[str, int]] = {}
    for name in rule_names:
        if name not in RULES:
            from foundation.errors import ConfigError

            raise ConfigError(f"unknown blocking rule {name!r}; known: {', '.join(RULES)}",
                              field="blocking_rules")

    def pairs_of(name: str) -> tuple[np.ndarray, int, int]:
        rows, keys = RULES[name](p)
        if name in ANCHORS:
            left, right, windowed, windowed_records = pairs_with_anchors(
                rows, keys, ANCHORS[name](p)[rows], max_block_size, window)
        else:
            left, right, windowed, windowed_records = pairs_in_blocks(rows, keys, max_block_size,
                                                                      window)
        if name in PAIR_FILTERS:
            keep = PAIR_FILTERS[name](p, left, right)
            left, right = left[keep], right[keep]
        return unique_sorted(left * p.n + right), windowed, windowed_records

    # the rules are independent: run them on both cores
    results = run_all([partial(pairs_of, name) for name in rule_names])
    for name, (code, windowed, windowed_records) in zip(rule_names, results, strict=True):
        per_rule[name] = code
        stats[name] = {"pairs": int(code.size), "windowed_blocks": windowed,
                       "windowed_records": windowed_records}
    seen = (unique_sorted(np.concatenate(list(per_rule.values()))) if per_rule
            else np.zeros(0, np.int64))
    return seen // max(p.n, 1), seen % max(p.n, 1), stats, per_rule
