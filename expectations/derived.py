"""Derived columns that let built-in GX expectations decide rules GX has no expectation for.

Each function takes a canonical frame and returns a copy with ``_hub_*`` columns added. A derived
value is missing (NaN) where the rule does not apply (an empty BSN is not checked against the
elfproef), because GX column-map expectations skip missing values. A canonical column that is
absent gets no derived column, so the expectation on it errors and the hub treats that as blocking.
"""

from collections.abc import Iterable

import numpy as np
import pandas as pd
from stdnum.nl import bsn as stdnum_bsn

_DATE_PARTS = r"^(?P<y>[0-9]{4})(?:-(?P<m>[0-9]{2})(?:-(?P<d>[0-9]{2}))?)?$"


def text(series: pd.Series) -> pd.Series:
    """Strings with surrounding blanks removed; empty strings become missing."""
    out = series.astype("str").str.strip()
    return out.where(out.notna() & (out != ""))


def _add_text(out: pd.DataFrame, frame: pd.DataFrame, column: str) -> None:
    if column in frame.columns:
        out[f"_hub_{column}"] = text(frame[column])


def _bools(values: pd.Series, applies: pd.Series) -> pd.Series:
    """An object column of True/False where the rule applies, None elsewhere."""
    out = pd.Series(None, index=values.index, dtype="object")
    out[applies] = values[applies].astype(bool).to_numpy()
    return out


def birth_date_bounds(birth_date: pd.Series) -> pd.DataFrame:
    """Earliest and latest day a partial birth date can mean, and whether it is a real date.

    ``2014`` spans 2014-01-01..2014-12-31, ``2014-03`` the days of March: a partial date is
    accepted by a bound when any day it can mean is within it, so no day or month is invented.
    """
    parts = text(birth_date).str.extract(_DATE_PARTS)
    matched = parts["y"].notna()
    month = parts["m"].fillna("01")
    day = parts["d"].fillna("01")
    earliest = pd.to_datetime(parts["y"] + "-" + month + "-" + day, format="%Y-%m-%d",
                              errors="coerce")
    latest = earliest.copy()
    year_only = matched & parts["m"].isna()
    month_only = matched & parts["m"].notna() & parts["d"].isna()
    latest[year_only] = earliest[year_only] + pd.offsets.YearEnd(0)
    latest[month_only] = earliest[month_only] + pd.offsets.MonthEnd(0)
    return pd.DataFrame(
        {
            "_hub_birth_earliest": earliest.astype("datetime64[us]"),
            "_hub_birth_latest": latest.astype("datetime64[us]"),
            "_hub_birth_date_real": _bools(earliest.notna(), matched),
        },
        index=birth_date.index,
    )


def bsn_elfproef(bsn: pd.Series) -> pd.Series:
    """True/False for 9-digit BSNs (python-stdnum's check), missing for empty or malformed ones."""
    clean = text(bsn)
    nine = clean.str.fullmatch(r"[0-9]{9}").fillna(False).astype(bool)
    unique = clean[nine].unique()
    verdict = {value: stdnum_bsn.is_valid(value) for value in unique}
    return _bools(clean.map(verdict).fillna(False), nine)


def derive_persons(frame: pd.DataFrame) -> pd.DataFrame:
    """Person rows with the derived columns the identity suite needs."""
    out = frame.copy()
    for column in ("source", "source_record_id", "birth_date", "sex", "bsn", "postcode"):
        _add_text(out, frame, column)
    if {"surname", "first_names"} <= set(frame.columns):
        out["_hub_name"] = text(frame["surname"]).fillna(text(frame["first_names"]))
    if "birth_date" in frame.columns:
        out = pd.concat([out, birth_date_bounds(frame["birth_date"])], axis=1)
    if "bsn" in frame.columns:
        out["_hub_bsn_elfproef"] = bsn_elfproef(frame["bsn"])
    return out


def _as_lists(values: pd.Series) -> pd.Series:
    def convert(value: object) -> list[str]:
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return []
        if isinstance(value, str):
            return [value]
        return [str(v).strip() for v in value if v is not None and str(v).strip()]

    return values.map(convert)


def derive_registrations(frame: pd.DataFrame, person_ids: Iterable[str]) -> pd.DataFrame:
    """Registration rows with derived columns; ``person_ids`` are the partner's staged persons."""
    out = frame.copy()
    for column in ("source", "case_id", "case_type", "status"):
        _add_text(out, frame, column)
    for column in ("start_date", "end_date"):
        if column in frame.columns:
            out[f"_hub_{column}"] = pd.to_datetime(frame[column], errors="coerce").astype(
                "datetime64[us]")
    if "person_record_ids" in frame.columns:
        refs = _as_lists(frame["person_record_ids"])
        out["_hub_person_ref_count"] = refs.map(len).astype("int64")
        known = set(text(pd.Series(list(person_ids), dtype="str")).dropna())
        exploded = refs.explode().dropna()
        unknown = (~exploded.isin(known)).groupby(level=0).sum()
        out["_hub_unknown_person_refs"] = unknown.reindex(frame.index, fill_value=0).astype(
            "int64")
    return out


def address_key(frame: pd.DataFrame) -> pd.Series:
    """postcode + house number + letter + suffix, or missing when postcode or number is absent."""
    if not {"postcode", "house_number"} <= set(frame.columns):
        return pd.Series(np.nan, index=frame.index, dtype="str")
    parts = [text(frame["postcode"]).str.upper(),
             text(frame["house_number"].astype("str")).str.replace(r"\.0$", "", regex=True)]
    for column in ("house_letter", "house_number_suffix"):
        if column in frame.columns:
            parts.append(text(frame[column]).str.lower().fillna(""))
    key = parts[0] + "|" + parts[1]
    for part in parts[2:]:
        key = key + "|" + part
    return key


def is_confidential(frame: pd.DataFrame) -> pd.Series:
    """True where the row's address is secret; an unknown flag counts as secret (fail safe)."""
    if "address_confidential" not in frame.columns:
        return pd.Series(True, index=frame.index)
    return frame["address_confidential"].astype("boolean").fillna(True).astype(bool)

