"""Masking of BSNs and confidential addresses for logs, errors, CLI output and check metadata.

The store itself holds clear values; everything that leaves it for a person's eyes goes through
here unless a role and a stated reason allow a reveal.
"""

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


def mask_bsn(bsn: object) -> str | None:
    """Show only the last two digits of a BSN: enough to tell two apart, not enough to use."""
    if bsn is None or (isinstance(bsn, float) and pd.isna(bsn)) or bsn is pd.NA:
        return None
    text = str(bsn).strip()
    if not text:
        return None
    return "*" * max(len(text) - 2, 0) + text[-2:]


def mask_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """Mask one record: BSN always, address fields when the row is confidential."""
    out = dict(record)
    if "bsn" in out:
        out["bsn"] = mask_bsn(out["bsn"])
    confidential = out.get("address_confidential")
    if confidential is None or confidential is True or (
        isinstance(confidential, str) and confidential.lower() in {"true", "1", "ja"}
    ):
        # An unknown flag is treated as confidential: failing safe.
        for name in CONFIDENTIAL_ADDRESS_FIELDS:
            if name in out and out[name] is not None and not (
                isinstance(out[name], float) and pd.isna(out[name])
            ):
                out[name] = MASK
    return out


def mask_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Mask a DataFrame of canonical rows (returns a new frame)."""
    out = frame.copy()
    if "bsn" in out.columns:
        out["bsn"] = out["bsn"].map(mask_bsn).astype("str")
    if "address_confidential" in out.columns:
        flag = out["address_confidential"]
        secret = ~(flag.astype("boolean").fillna(True) == False)  # noqa: E712 - unknown is secret
    else:
        secret = pd.Series(True, index=out.index)
    for name in CONFIDENTIAL_ADDRESS_FIELDS:
        if name in out.columns:
            column = out[name].astype("str")
            out[name] = column.where(~secret | column.isna(), MASK)
    return out
