"""Address standardisation: postcode, house number, letter and suffix into one key.

The key is '1501AB|12|a|2' (built vectorised in :mod:`matching.standardise`). Dutch postcodes are
normalised to '1501AB'; any other postcode (a partner abroad, a test set with 4-digit
Australian postcodes) is kept as its upper-cased letters and digits rather than dropped, so it
still counts as address evidence. Only Dutch postcodes have a 4-digit area whose letters can be
mistyped (the ``postcode_typo`` level).

A confidential address (shelter, safety) is never a key: it gets an empty key so that it can
neither link two persons nor two households, and never appears in an explanation.
"""

import re

_POSTCODE = re.compile(r"^([1-9]\d{3})\s*([A-Z]{2})$")
_DUTCH_SHAPE = re.compile(r"^\d{4}[A-Z]{2}$")
_OTHER = re.compile(r"^[A-Z0-9]{3,10}$")


def normalise_postcode(value: str) -> str:
    """'1501 ab' -> '1501AB'; '2257' -> '2257'; '' when it is no postcode at all."""
    text = (value or "").strip().upper().replace(" ", "").replace("-", "")
    match = _POSTCODE.match(text)
    if match:
        return f"{match.group(1)}{match.group(2)}"
    if _DUTCH_SHAPE.match(text):  # Dutch in form but impossible ('0501AB'): a typo, no key
        return ""
    return text if _OTHER.match(text) and any(c.isdigit() for c in text) else ""


def postcode_area(postcode: str) -> str:
    """The part of a postcode a letter typo keeps: '1501' of '1501AB'; other postcodes whole."""
    return postcode[:4] if _POSTCODE.match(postcode) else postcode
