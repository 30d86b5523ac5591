"""Dutch address standardisation: postcode, house number, letter and suffix into one key.

The key is '1501AB|12|a|2' (built vectorised in :mod:`matching.standardise`).

A confidential address (shelter, safety) is never a key: it gets an empty key so that it can
neither link two persons nor two households, and never appears in an explanation.
"""

import re

_POSTCODE = re.compile(r"^([1-9]\d{3})\s*([A-Z]{2})$")


def normalise_postcode(value: str) -> str:
    """'1501 ab' -> '1501AB'; '' when it is not a Dutch postcode."""
    text = (value or "").strip().upper().replace(" ", "")
    match = _POSTCODE.match(text)
    return f"{match.group(1)}{match.group(2)}" if match else ""
