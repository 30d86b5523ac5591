"""Turn canonical person rows into integer-coded, standardised arrays for blocking and comparing.

Every distinct raw value is standardised once (``pd.factorize`` then a Python function per distinct
value, then mapped back by code), so 1M rows with 50k distinct names cost 50k calls, not 1M.
Missing values become code -1. Rows are sorted canonically (source, source_record_id) first, which
makes every later step independent of the input order.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from foundation.bsn import normalise_bsns
from matching.addresses import normalise_postcode, postcode_area
from matching.arrays import unique_inverse
from matching.dates import parse_partial_date
from matching.names import first_name_key, surname_cores, unglue
from matching.parallel import run_all

REQUIRED = ("source", "source_record_id")
COLUMNS = REQUIRED + ("first_names", "surname_prefix", "surname", "birth_date", "bsn", "sex",
                      "postcode", "house_number", "house_letter", "house_number_suffix",
                      "address_confidential", "source_household_ref", "role")
"""The canonical columns matching reads; a reader of wide files can load only these."""


def _as_text(column: pd.Series) -> pd.Series:
    """Plain stripped strings with '' for missing (a float column loses its '.0' via Int64)."""
    if pd.api.types.is_float_dtype(column):
        column = column.astype("Int64")
    return column.astype("str").fillna("").str.strip()


def _text(frame: pd.DataFrame, name: str) -> pd.Series:
    """A column as plain strings with '' for missing; a missing column counts as empty."""
    if name not in frame.columns:
        return pd.Series("", index=frame.index, dtype="str")
    return _as_text(frame[name])


def _distinct(frame: pd.DataFrame, name: str, order: np.ndarray | None, sort: bool = True
              ) -> tuple[np.ndarray, np.ndarray]:
    """(code per canonically sorted row, distinct stripped strings, '' always included).

    The raw column is hash-factorized first, so the string work (strip, sort) runs on its
    distinct values only and never builds a million-string column; ``order`` (the canonical
    row order, None when the input is already in it) is applied to the integer codes. With
    ``sort`` the distinct strings are sorted ('' is code 0); without it (for columns with
    hundreds of thousands of values, such as BSNs) they are numbered by first appearance in
    the canonical row order, which is just as independent of the input order.
    """
    if name not in frame.columns:
        return np.zeros(len(frame), np.int32), np.array([""], dtype=object)
    raw_codes, raw_uniques = pd.factorize(frame[name], sort=False)
    # a missing value (raw code -1) lands on the '' appended last
    text = pd.concat([_as_text(pd.Series(raw_uniques)), pd.Series([""], dtype="str")],
                     ignore_index=True)
    if not sort and not text.iloc[:-1].isin([""]).any() and text.iloc[:-1].equals(
            pd.Series(raw_uniques, dtype="str")):
        # nothing to strip and nothing missing among the values: they are distinct already
        codes_of_raw, uniques = np.arange(len(text), dtype=np.int32), text.to_numpy()
    else:
        codes_of_raw, uniques = pd.factorize(text, sort=sort)
    codes = codes_of_raw.astype(np.int32)[raw_codes]
    if order is not None:
        codes = codes[order]
    if not sort:
        codes, first_seen = pd.factorize(codes)
        return codes.astype(np.int32), np.asarray(uniques, dtype=object)[first_seen]
    return codes, np.asarray(uniques, dtype=object)


def _codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Factorize strings; '' becomes -1. Returns (codes int32, uniques as object array)."""
    codes, uniques = pd.factorize(values, sort=True)
    uniques = np.asarray(uniques, dtype=object)
    codes = codes.astype(np.int32)
    empty = np.flatnonzero(uniques == "")
    if empty.size:
        codes[codes == empty[0]] = -1
    return codes, uniques


def _map_unique(codes: np.ndarray, uniques: np.ndarray, func: Callable[[str], object]
                ) -> tuple[np.ndarray, list[object]]:
    """Apply ``func`` once per distinct value; returns (codes into results, results)."""
    return codes, [func(u) for u in uniques]


def _per_row(codes: np.ndarray, derived: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes per row of a value derived once per distinct raw value.

    ``codes`` index the distinct raw values, ``derived`` holds one string per distinct raw value;
    the same as ``_recode(derived[codes])`` without building a million-string column.
    """
    sub, strings = _recode(np.asarray(derived, dtype=object))
    return (sub[codes] if codes.size else np.zeros(0, np.int32)), strings


def _recode(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes for an object array of strings ('' -> -1), with the distinct strings."""
    return _codes(pd.Series(labels, dtype="str"))


def _pair_codes(a: np.ndarray, b: np.ndarray, b_count: int) -> tuple[np.ndarray, np.ndarray]:
    """Dense codes of the (a, b) code pairs per row, with the distinct pairs as (a, b) arrays."""
    combined = a.astype(np.int64) * max(b_count, 1) + b
    distinct, _, inverse = unique_inverse(combined)
    return inverse.astype(np.int32), np.stack([distinct // max(b_count, 1),
                                               distinct % max(b_count, 1)])


@dataclass
class Prepared:
    """Standardised, integer-coded view of the input records (row i = i-th sorted record).

    Every per-record array has length ``n``; codes are int32 with -1 for missing, and a
    ``*_strings`` array holds the distinct standardised value of each code (for string
    similarity and explanations). The fields come in six groups, each filled by one function
    of this module: records (``canonical_order``), given names and surnames (``_names``: Python
    work per distinct name), and birth date, identifier, address and family/role
    (``_other_fields``: pandas and pyarrow kernels). ``bsn_contested`` and ``bsn_valid`` are the
    only fields changed after preparation (by the engine, once contested BSNs are known).
    """

    # records
    frame: pd.DataFrame
    """source and source_record_id as text, in canonical order."""
    n: int
    keys: pd.Series
    """'source\x1fsource_record_id' per record: the unique, sorted member key of stable IDs."""
    source: np.ndarray

    # given names: first given name, its variant key and initial, all given names as tokens
    fn: np.ndarray
    fn_strings: np.ndarray
    fn_variant: np.ndarray
    fn_variant_strings: np.ndarray
    fn_initial: np.ndarray
    fn_all: np.ndarray
    fn_all_strings: np.ndarray
    fn_tokens: np.ndarray
    """Up to three given-name token codes per distinct ``fn_all`` value (-1: none)."""
    fn_freq: np.ndarray
    """Relative frequency of the record's first given name (term-frequency adjustment)."""
    fn_as_sn: np.ndarray
    """Per record, its first given name as a surname code (-1: no surname is spelled so): finds
    given name and surname entered the wrong way round."""

    # surnames: core (tussenvoegsel removed), second part of a double name, glued form
    sn: np.ndarray
    sn_strings: np.ndarray
    sn2: np.ndarray
    sn_glued: np.ndarray
    sn_glued_strings: np.ndarray
    sn_freq: np.ndarray

    # birth date, with its precision (0 = unknown month or day)
    year: np.ndarray
    month: np.ndarray
    day: np.ndarray

    # identifier
    bsn: np.ndarray
    """BSN digits as int64 (-1 missing)."""
    bsn_valid: np.ndarray
    bsn_contested: np.ndarray
    """Carried by two clearly different persons: no evidence either way (set by the engine)."""

    # address (confidential addresses have no codes at all)
    address: np.ndarray
    address_strings: np.ndarray
    postcode: np.ndarray
    house_key: np.ndarray
    """4-digit postcode area, house number, letter and suffix: postcode-letter typos."""
    confidential: np.ndarray

    # sex, family reference and role
    sex: np.ndarray
    household_ref: np.ndarray
    """(source, family/dossier reference) code; two rows of one reference are two people."""
    role: np.ndarray
    reporter: np.ndarray
    role_known: np.ndarray


def canonical_order(persons: pd.DataFrame) -> tuple[np.ndarray | None, pd.DataFrame, pd.Series]:
    """The rows' order by (source, source_record_id): (order, sorted frame, sorted keys).

    ``order`` is None when the rows already are in that order; the frame holds source and
    source_record_id as stripped text, ``keys`` 'source\x1fsource_record_id' per sorted row.
    Ordering the keys equals ordering the pairs (the separator sorts below every printable
    character). Only integer codes are reordered later, never the wide input frame.
    """
    missing = [c for c in REQUIRED if c not in persons.columns]
    if missing:
        from foundation.errors import MappingError

        raise MappingError("person records lack a required column", field=missing[0])
    source = _text(persons, "source").reset_index(drop=True)
    record = _text(persons, "source_record_id").reset_index(drop=True)
    keys = source + "\x1f" + record
    values = pa.array(keys.array)
    if len(keys) < 2 or pc.all(pc.greater_equal(values[1:], values[:-1])).as_py():
        order = None
    else:
        order = pc.sort_indices(values)  # stable: equal keys keep the input order
        source, record, keys = (pd.Series(pa.array(s.array).take(order), dtype="str")
                                for s in (source, record, keys))
        order = order.to_numpy()
    return order, pd.DataFrame({"source": source, "source_record_id": record}), keys


def _confidential(persons: pd.DataFrame, order: np.ndarray | None) -> np.ndarray:
    """Unknown confidentiality counts as confidential: failing safe."""
    if "address_confidential" in persons.columns and pd.api.types.is_bool_dtype(
            persons["address_confidential"]):
        flag: np.ndarray = persons["address_confidential"].to_numpy(dtype=bool)
        return flag if order is None else np.asarray(flag[order], dtype=bool)
    codes, text = _distinct(persons, "address_confidential", order)
    lowered = pd.Series(text, dtype="str").str.lower()
    confidential: np.ndarray = ~lowered.isin(["false", "0", "nee", "no", "f"]).to_numpy()[codes]
    return confidential


def _frequency(codes: np.ndarray) -> np.ndarray:
    """Relative frequency of each record's value among non-missing values (0 when missing)."""
    freq = np.zeros(codes.shape[0], dtype=np.float64)
    present = codes >= 0
    if present.any():
        counts = np.bincount(codes[present])
        freq[present] = counts[codes[present]] / present.sum()
    return freq


def _mapped(codes: np.ndarray, text: np.ndarray, func: Callable[[str], str]
            ) -> tuple[np.ndarray, np.ndarray]:
    """Codes ('' -> -1) and distinct strings of ``func`` applied once per distinct value."""
    return _per_row(codes, np.array([func(v) for v in text], dtype=object))


def _combination(parts: tuple[np.ndarray, ...], radix: tuple[int, ...]
                 ) -> tuple[np.ndarray, list[np.ndarray]]:
    """Dense codes of per-row combinations of small non-negative codes (sorted by the parts),
    with the parts of each distinct combination."""
    combined = np.zeros(parts[0].shape[0], dtype=np.int64)
    for part, base in zip(parts, radix, strict=True):
        combined = combined * base + part
    distinct, _, inverse = unique_inverse(combined)
    digits = []
    for base in reversed(radix):
        digits.append(distinct % base)
        distinct = distinct // base
    return inverse.astype(np.int32), digits[::-1]


def _addresses(persons: pd.DataFrame, order: np.ndarray | None, confidential: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(address code, address strings, house key, postcode code) per row.

    The key 'postcode|number|letter|suffix' is built per distinct combination of the four
    parts' codes, not per row; confidential addresses and those without postcode or number get
    no key. The house key (postcode area, number, letter, suffix) is a combination of codes.
    """
    pc_codes, pc_text = _distinct(persons, "postcode", order)
    postcode, postcodes = _mapped(pc_codes, pc_text, normalise_postcode)
    nr_codes, nr_text = _distinct(persons, "house_number", order)
    number, numbers = _mapped(nr_codes, nr_text, lambda v: v.removesuffix(".0"))
    lt_codes, lt_text = _distinct(persons, "house_letter", order)
    letter, letters = _mapped(lt_codes, lt_text, str.lower)
    sf_codes, sf_text = _distinct(persons, "house_number_suffix", order)
    suffix, suffixes = _mapped(sf_codes, sf_text, str.lower)

    usable = np.flatnonzero((postcode >= 0) & (number >= 0) & ~confidential)
    # letter and suffix + 1: index 0 stands for a missing one
    rest = (number[usable], letter[usable] + 1, suffix[usable] + 1)
    radix = (len(numbers), len(letters) + 1, len(suffixes) + 1)
    key_code, (p_idx, n_idx, l_idx, s_idx) = _combination(
        (postcode[usable], *rest), (len(postcodes), *radix))
    key_strings = pc.binary_join_element_wise(
        *(pa.array(text, pa.string()).take(pa.array(index)) for text, index in (
            (postcodes, p_idx), (numbers, n_idx), (np.append("", letters), l_idx),
            (np.append("", suffixes), s_idx))), "|")
    address = np.full(confidential.shape[0], -1, dtype=np.int32)
    address[usable] = key_code
    area_code, areas = _mapped(np.arange(len(postcodes)), postcodes, postcode_area)
    house, _ = _combination((area_code[postcode[usable]], *rest), (len(areas), *radix))
    house_key = np.full(confidential.shape[0], -1, dtype=np.int32)
    house_key[usable] = house
    return (address, np.asarray(key_strings.to_pylist(), dtype=object), house_key,
            np.where(confidential, -1, postcode).astype(np.int32))


def _bsns(persons: pd.DataFrame, order: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """BSN digits (int64, -1 when missing) and elfproef validity per sorted row, computed once
    per distinct raw value; the values need no codes of their own."""
    if "bsn" not in persons.columns:
        return np.full(len(persons), -1, dtype=np.int64), np.zeros(len(persons), dtype=bool)
    codes, uniques = pd.factorize(persons["bsn"], sort=False)
    text = pd.concat([_as_text(pd.Series(uniques)), pd.Series([""], dtype="str")],
                     ignore_index=True)
    digits, valid = normalise_bsns(text)
    if order is not None:
        codes = codes[order]
    return digits[codes], valid[codes]  # code -1 (missing) takes the '' appended last


def _names(persons: pd.DataFrame, order: np.ndarray | None) -> dict[str, np.ndarray]:
    """Given-name and surname fields of :class:`Prepared` (Python work per distinct name)."""
    n = order.size if order is not None else len(persons)
    fn_codes, fn_text = _distinct(persons, "first_names", order)
    fn_keys = [first_name_key(v) for v in fn_text]
    fn_key_arr = (np.array(fn_keys, dtype=object).reshape(-1, 4) if fn_keys
                  else np.empty((0, 4), object))
    fn, fn_strings = _per_row(fn_codes, fn_key_arr[:, 0])
    fn_variant, fn_variant_strings = _per_row(fn_codes, fn_key_arr[:, 1])
    fn_initial, _ = _per_row(fn_codes, fn_key_arr[:, 2])
    fn_all, fn_all_strings = _per_row(fn_codes, fn_key_arr[:, 3])

    token_lists = [str(v).split(" ")[:3] if v else [] for v in fn_all_strings]
    vocabulary = {t: i for i, t in enumerate(sorted({t for ts in token_lists for t in ts}))}
    fn_tokens = np.full((len(fn_all_strings), 3), -1, dtype=np.int32)
    for row, tokens in enumerate(token_lists):
        fn_tokens[row, :len(tokens)] = [vocabulary[t] for t in tokens]

    prefix_codes, prefix_text = _distinct(persons, "surname_prefix", order)
    surname_codes, surname_text = _distinct(persons, "surname", order)
    sn_codes, (pair_prefix, pair_surname) = _pair_codes(prefix_codes, surname_codes,
                                                        len(surname_text))
    sn_split = [surname_cores(prefix_text[a], surname_text[b])
                for a, b in zip(pair_prefix.tolist(), pair_surname.tolist(), strict=True)]
    known = {core for _, cores in sn_split for core in cores[:1]}
    first_core = np.array([unglue(c[0], known) if c else "" for _, c in sn_split], dtype=object)
    second_core = np.array([unglue(c[1], known) if len(c) > 1 else "" for _, c in sn_split],
                           dtype=object)
    glued = np.array([("".join(p.split(" ")) + "".join(c[:1])) for p, c in sn_split], dtype=object)
    sn, sn_strings = _per_row(sn_codes, first_core)
    # second surname parts share the code space of first parts so 'Jansen-de Vries' meets 'Vries'
    # (computed once per distinct surname, then mapped to the rows)
    part_codes = pd.Index(sn_strings)
    second_of = (part_codes.get_indexer(second_core).astype(np.int32) if len(second_core)
                 else np.zeros(0, np.int32))
    if len(second_core):
        second_of[second_core == ""] = -1  # no second part ('' can be a code of sn_strings)
        extra = (second_of < 0) & (second_core != "")
        if extra.any():
            extra_codes, _ = _codes(pd.Series(second_core[extra], dtype="str"))
            second_of[extra] = extra_codes + len(sn_strings)
    sn2 = second_of[sn_codes] if n else np.zeros(0, np.int32)
    sn_glued, sn_glued_strings = _per_row(sn_codes, glued)
    return dict(
        fn=fn, fn_strings=fn_strings, fn_variant=fn_variant,
        fn_variant_strings=fn_variant_strings, fn_initial=fn_initial,
        fn_all=fn_all, fn_all_strings=fn_all_strings, fn_tokens=fn_tokens,
        sn=sn, sn_strings=sn_strings, sn2=sn2, sn_glued=sn_glued,
        sn_glued_strings=sn_glued_strings,
        fn_freq=_frequency(fn), sn_freq=_frequency(sn),
        fn_as_sn=_as_codes_of(fn, fn_strings, sn_strings),
    )


def _other_fields(persons: pd.DataFrame, order: np.ndarray | None, n: int
                  ) -> dict[str, np.ndarray]:
    """Birth date, BSN, address, sex, reference and role fields of :class:`Prepared` (pandas
    and pyarrow kernels, which release the GIL)."""
    source_codes, source_text = _distinct(persons, "source", order)
    source, _ = _per_row(source_codes, source_text)
    date_codes, date_text = _distinct(persons, "birth_date", order)
    parsed = [parse_partial_date(v) for v in date_text]
    parsed_arr = np.array(parsed, dtype=np.int16).reshape(-1, 3)
    ymd = parsed_arr[date_codes] if n else np.zeros((0, 3), np.int16)

    bsn, bsn_valid = _bsns(persons, order)

    confidential = _confidential(persons, order)
    address, address_strings, house_key, postcode = _addresses(persons, order, confidential)

    sex_codes, sex_text = _distinct(persons, "sex", order)
    sex, _ = _mapped(sex_codes, sex_text, str.upper)
    ref_codes, ref_text = _distinct(persons, "source_household_ref", order, sort=False)
    has_ref = (ref_text != "")[ref_codes]
    household_ref = np.full(n, -1, dtype=np.int32)
    household_ref[has_ref] = _pair_codes(source_codes[has_ref], ref_codes[has_ref],
                                         len(ref_text))[0]
    role_codes, role_text = _distinct(persons, "role", order)
    roles = np.array([v.lower() for v in role_text], dtype=object)
    return dict(
        source=source, year=ymd[:, 0].copy(), month=ymd[:, 1].copy(), day=ymd[:, 2].copy(),
        bsn=bsn, bsn_valid=bsn_valid, bsn_contested=np.zeros(n, dtype=bool),
        address=address, address_strings=address_strings, postcode=postcode,
        house_key=house_key, sex=sex, household_ref=household_ref, role=roles[role_codes],
        confidential=confidential, reporter=(roles == "reporter")[role_codes],
        role_known=(roles != "")[role_codes],
    )


def prepare(persons: pd.DataFrame) -> Prepared:
    """Standardise and integer-code canonical person rows (see the module docstring)."""
    order, frame, keys = canonical_order(persons)
    n = len(keys)
    # names are Python work per distinct value, the other fields mostly GIL-free kernels:
    # the two halves overlap on two cores
    names, others = run_all([lambda: _names(persons, order),
                             lambda: _other_fields(persons, order, n)])
    return Prepared(frame=frame, n=n, keys=keys, **names, **others)


def _as_codes_of(codes: np.ndarray, strings: np.ndarray, other: np.ndarray) -> np.ndarray:
    """Map codes into another field's code space by spelling (-1 when absent or missing)."""
    into = pd.Index(other).get_indexer(strings).astype(np.int32) if len(strings) else \
        np.zeros(0, np.int32)
    if len(strings):
        into[strings == ""] = -1
    out = np.where(codes >= 0, into[np.maximum(codes, 0)] if into.size else -1, -1)
    return out.astype(np.int32)
