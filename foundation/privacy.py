"""Masking of BSNs and confidential addresses for logs, errors, CLI output, quarantine and metadata.

The store itself holds clear values; everything that leaves it for a person's eyes, and every copy
the hub keeps outside its protected tables (quarantine), goes through here unless a role and a
stated reason allow a reveal. This is the one module with the masking rule: extend it here.
"""

import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

MASK = "***"

CONFIDENTIAL_ADDRESS_FIELDS = (
    "street",
    "house_number",
    "house_letter",
    "house_number_suffix",
    "postcode",
    "city",
)
"""Address fields that are secret on a row whose ``address_confidential`` is true."""

SECRET_ADDRESS_FIELDS = (*CONFIDENTIAL_ADDRESS_FIELDS, "municipality_code")
"""What is kept apart from the ordinary columns of a confidential row, in staging and in the
store (the municipality would narrow a shelter down too)."""

IDENTIFIER_FIELDS = (
    "source_record_id",
    "source_household_ref",
    "case_id",
    "person_record_ids",
    "origin",
    "origin_row",
    "content_hash",
    "extracted_at",
)
"""Partner identifiers and lineage: kept as they are (the steward needs them to find the row;
a hex content hash would otherwise look like a BSN here and there)."""

BSN_SHAPED = re.compile(r"(?<!\d)(?:\d[ .\-]?){7,8}\d(?!\d)")
"""Eight or nine digits, with or without single separators (space, dot, dash) between them."""

_DATE_SHAPED = re.compile(r"\d{2}([-./])\d{2}\1\d{4}|\d{4}([-./])\d{2}\2\d{2}"
                          r"|(19|20)\d\d(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])")
"""``31-02-2020``, ``2020-02-31`` and ``20261101`` (a file name's date stamp) read as dates and
stay; BSNs are written 3-3-3, 4-2-3 or in one run of nine (or eight) digits."""

FALSE_FLAGS = frozenset({"false", "0", "nee", "n", "no", "onwaar", "f"})
"""Spellings of "not confidential"; anything else (unknown, unreadable, missing) is secret."""


def mask_bsn(bsn: object) -> str | None:
    """Show only the last two digits of a BSN: enough to tell two apart, not enough to use."""
    if bsn is None or (isinstance(bsn, float) and pd.isna(bsn)) or bsn is pd.NA:
        return None
    text = str(bsn).strip()
    if not text:
        return None
    return "*" * max(len(text) - 2, 0) + text[-2:]


def mask_text(text: str) -> str:
    """``text`` with every BSN-shaped run of digits masked (free text, messages, raw cells)."""
    if not isinstance(text, str) or not any(c.isdigit() for c in text):
        return text

    def replace(match: re.Match[str]) -> str:
        found = match.group(0)
        if _DATE_SHAPED.fullmatch(found):
            return found
        digits = re.sub(r"\D", "", found)
        return mask_bsn(digits) or MASK

    return BSN_SHAPED.sub(replace, text)


BSN_DIGITS = re.compile(r"(?<!\d)\d{8,9}(?!\d)")
"""A bare run of eight or nine digits: any of them may be a BSN (dates included)."""


def mask_digit_runs(text: str) -> str:
    """``text`` with every bare run of 8-9 digits masked, date-shaped ones too: for records
    (the audit log) that never need such numbers, where :func:`mask_text` keeps dates readable
    for a steward."""
    return BSN_DIGITS.sub(lambda m: mask_bsn(m.group(0)) or MASK, text)


def is_confidential(flag: object) -> bool:
    """Whether a row's ``address_confidential`` value means secret: only a clear "no" is not."""
    if flag is False:
        return False
    if flag is None or flag is True or flag is pd.NA:
        return True
    if isinstance(flag, float):
        return pd.isna(flag) or flag != 0.0
    if isinstance(flag, int):
        return flag != 0
    return str(flag).strip().lower() not in FALSE_FLAGS


def _present(value: object) -> bool:
    if value is None or value is pd.NA:
        return False
    return not (isinstance(value, float) and pd.isna(value))


def mask_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """Mask one record: BSN always, address fields when the row is (or may be) confidential,
    and any BSN-shaped text in the other fields."""
    out = dict(record)
    if "bsn" in out:
        out["bsn"] = mask_bsn(out["bsn"])
    secret = is_confidential(out.get("address_confidential"))
    for name, value in out.items():
        if name == "bsn" or name in IDENTIFIER_FIELDS:
            continue
        if secret and name in CONFIDENTIAL_ADDRESS_FIELDS and _present(value):
            out[name] = MASK
        elif isinstance(value, str):
            out[name] = mask_text(value)
        elif isinstance(value, list):
            out[name] = [mask_text(v) if isinstance(v, str) else v for v in value]
    return out


def mask_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Mask a DataFrame of canonical rows (returns a new frame)."""
    out = frame.copy()
    if "bsn" in out.columns:
        out["bsn"] = out["bsn"].map(mask_bsn).astype("str")
    if "address_confidential" in out.columns:
        secret = out["address_confidential"].map(is_confidential).astype(bool)
    else:
        secret = pd.Series(True, index=out.index)
    for name in CONFIDENTIAL_ADDRESS_FIELDS:
        if name in out.columns:
            column = out[name].astype("str")
            out[name] = column.where(~secret | column.isna(), MASK)
    for name in out.columns:
        if name == "bsn" or name in IDENTIFIER_FIELDS:
            continue
        if pd.api.types.is_string_dtype(out[name]) or out[name].dtype == object:
            out[name] = out[name].map(lambda v: mask_text(v) if isinstance(v, str) else v)
    return out
