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

from matching.addresses import normalise_postcode, postcode_area
from matching.bsn import normalise_bsns
from matching.dates import parse_partial_date
from matching.names import first_name_key, split_surname, unglue
from schemas.canonical import PERSON_COLUMNS

REQUIRED = ("source", "source_record_id")
MATCH_COLUMNS = [c for c in PERSON_COLUMNS if c not in
                 ("extracted_at", "origin", "origin_row", "content_hash")]
"""Canonical columns matching reads; lineage columns are left behind to save memory."""


def _text(frame: pd.DataFrame, name: str) -> pd.Series:
    """A column as plain strings with '' for missing; a missing column counts as empty."""
    if name not in frame.columns:
        return pd.Series("", index=frame.index, dtype="str")
    column = frame[name]
    if pd.api.types.is_float_dtype(column):
        column = column.astype("Int64")
    return column.astype("str").fillna("").str.strip()


def _codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Factorize strings; '' becomes -1. Returns (codes int32, uniques as object array)."""
    codes, uniques = pd.factorize(values, sort=True)
    uniques = np.asarray(uniques, dtype=object)
    codes = codes.astype(np.int32)
    empty = np.flatnonzero(uniques == "")
    if empty.size:
        codes[codes == empty[0]] = -1
    return codes, uniques


def _map_unique(values: pd.Series, func: Callable[[str], object]) -> tuple[np.ndarray, list]:
    """Apply ``func`` once per distinct value; returns (codes into results, results)."""
    codes, uniques = pd.factorize(values, sort=True)
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


@dataclass
class Prepared:
    """Standardised, integer-coded view of the input records (row i = i-th sorted record)."""

    frame: pd.DataFrame
    n: int
    source: np.ndarray
    fn: np.ndarray
    fn_strings: np.ndarray
    fn_variant: np.ndarray
    fn_variant_strings: np.ndarray
    fn_initial: np.ndarray
    fn_all: np.ndarray
    fn_all_strings: np.ndarray
    fn_tokens: np.ndarray
    sn: np.ndarray
    sn_strings: np.ndarray
    sn2: np.ndarray
    sn_glued: np.ndarray
    sn_glued_strings: np.ndarray
    year: np.ndarray
    month: np.ndarray
    day: np.ndarray
    bsn: np.ndarray
    bsn_valid: np.ndarray
    bsn_contested: np.ndarray
    address: np.ndarray
    address_strings: np.ndarray
    postcode: np.ndarray
    house_key: np.ndarray
    sex: np.ndarray
    household_ref: np.ndarray
    role: np.ndarray
    reporter: np.ndarray
    role_known: np.ndarray
    confidential: np.ndarray
    fn_freq: np.ndarray
    sn_freq: np.ndarray
    fn_as_sn: np.ndarray
    """Per record, its first given name as a surname code (-1: no surname is spelled so): finds
    given name and surname entered the wrong way round."""


def canonical_sort(persons: pd.DataFrame) -> pd.DataFrame:
    """Rows sorted by (source, source_record_id) with the matching columns (missing ones empty)."""
    missing = [c for c in REQUIRED if c not in persons.columns]
    if missing:
        from hub.errors import MappingError

        raise MappingError("person records lack a required column", field=missing[0])
    wanted = [c for c in MATCH_COLUMNS if c in persons.columns]
    frame = persons[wanted].copy()
    frame["source"] = _text(frame, "source")
    frame["source_record_id"] = _text(frame, "source_record_id")
    source = pd.factorize(frame["source"], sort=True)[0]
    record = pd.factorize(frame["source_record_id"], sort=True)[0]
    order = np.lexsort((np.arange(len(frame)), record, source))
    frame = frame.iloc[order].reset_index(drop=True)
    for name in MATCH_COLUMNS:
        if name not in frame.columns:
            frame[name] = None
    return frame


def _confidential(frame: pd.DataFrame) -> np.ndarray:
    """Unknown confidentiality counts as confidential: failing safe."""
    flag = frame["address_confidential"]
    if pd.api.types.is_bool_dtype(flag):
        return flag.to_numpy(dtype=bool)
    text = _text(frame, "address_confidential").str.lower()
    return ~text.isin(["false", "0", "nee", "no", "f"]).to_numpy()


def _frequency(codes: np.ndarray) -> np.ndarray:
    """Relative frequency of each record's value among non-missing values (0 when missing)."""
    freq = np.zeros(codes.shape[0], dtype=np.float64)
    present = codes >= 0
    if present.any():
        counts = np.bincount(codes[present])
        freq[present] = counts[codes[present]] / present.sum()
    return freq


def prepare(persons: pd.DataFrame) -> Prepared:
    """Standardise and integer-code canonical person rows (see the module docstring)."""
    frame = canonical_sort(persons)
    n = len(frame)
    source, _ = _codes(frame["source"])

    fn_codes, fn_keys = _map_unique(_text(frame, "first_names"), first_name_key)
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

    combined = _text(frame, "surname_prefix") + "\x1f" + _text(frame, "surname")
    sn_codes, sn_split = _map_unique(combined, lambda v: split_surname(*v.split("\x1f", 1)))
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

    date_codes, parsed = _map_unique(_text(frame, "birth_date"), parse_partial_date)
    parsed_arr = np.array(parsed, dtype=np.int16).reshape(-1, 3) if parsed else np.zeros((0, 3),
                                                                                       np.int16)
    ymd = parsed_arr[date_codes] if n else np.zeros((0, 3), np.int16)

    bsn_codes, bsn_text = pd.factorize(_text(frame, "bsn"), sort=True)
    bsn_digits, bsn_ok = normalise_bsns(pd.Series(np.asarray(bsn_text, dtype=object), dtype="str"))

    confidential = _confidential(frame)
    pc_codes, pcs = _map_unique(_text(frame, "postcode"), normalise_postcode)
    postcode_text = np.array(pcs, dtype=object)[pc_codes] if n else np.array([], dtype=object)
    number = _text(frame, "house_number").str.replace(r"\.0$", "", regex=True)
    pc_series = pd.Series(postcode_text, dtype="str").fillna("")
    keys = (pc_series + "|" + number + "|" + _text(frame, "house_letter").str.lower() + "|"
            + _text(frame, "house_number_suffix").str.lower())
    keys = keys.where((pc_series != "") & (number != ""), "")
    addr_text = keys.to_numpy(dtype=object)
    addr_text[confidential] = ""
    postcode_text = postcode_text.copy()
    postcode_text[confidential] = ""
    address, address_strings = _recode(addr_text)
    # the postcode area with number, letter and suffix, once per distinct address
    house_unique = np.array([postcode_area(k.split("|", 1)[0]) + "|" + k.split("|", 1)[1]
                             if k else "" for k in address_strings], dtype=object)
    house_of, _ = _recode(house_unique)
    house_key = np.where(address >= 0, house_of[np.maximum(address, 0)], -1).astype(np.int32)
    postcode, _ = _recode(postcode_text)

    sex, _ = _codes(_text(frame, "sex").str.upper())
    ref_text = _text(frame, "source_household_ref")
    household_ref, _ = _codes(ref_text.where(ref_text == "", frame["source"] + "\x1f" + ref_text))
    role = _text(frame, "role").str.lower().to_numpy(dtype=object)

    return Prepared(
        frame=frame, n=n, source=source,
        fn=fn, fn_strings=fn_strings, fn_variant=fn_variant,
        fn_variant_strings=fn_variant_strings, fn_initial=fn_initial,
        fn_all=fn_all, fn_all_strings=fn_all_strings, fn_tokens=fn_tokens,
        sn=sn, sn_strings=sn_strings, sn2=sn2, sn_glued=sn_glued,
        sn_glued_strings=sn_glued_strings,
        year=ymd[:, 0].copy(), month=ymd[:, 1].copy(), day=ymd[:, 2].copy(),
        bsn=bsn_digits[bsn_codes] if n else np.zeros(0, np.int64),
        bsn_valid=bsn_ok[bsn_codes] if n else np.zeros(0, bool),
        bsn_contested=np.zeros(n, dtype=bool),
        address=address, address_strings=address_strings, postcode=postcode,
        house_key=house_key, sex=sex,
        household_ref=household_ref, role=role, confidential=confidential,
        reporter=role == "reporter", role_known=role != "",
        fn_freq=_frequency(fn), sn_freq=_frequency(sn),
        fn_as_sn=_as_codes_of(fn, fn_strings, sn_strings),
    )


def _as_codes_of(codes: np.ndarray, strings: np.ndarray, other: np.ndarray) -> np.ndarray:
    """Map codes into another field's code space by spelling (-1 when absent or missing)."""
    into = pd.Index(other).get_indexer(strings).astype(np.int32) if len(strings) else \
        np.zeros(0, np.int32)
    if len(strings):
        into[strings == ""] = -1
    out = np.where(codes >= 0, into[np.maximum(codes, 0)] if into.size else -1, -1)
    return out.astype(np.int32)
