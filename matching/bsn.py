"""BSN (burgerservicenummer) standardisation.

A BSN is strong evidence only when it passes the elfproef (checked with python-stdnum): a BSN that
fails it was mistyped and is at most a weak hint. Partners drop leading zeros (spreadsheets), add
dots or spaces; all of that is undone here. Never log the values this module handles.
"""

import re

from stdnum.nl import bsn as _bsn

_NON_DIGIT = re.compile(r"\D+")


def normalise_bsn(value: str) -> tuple[str, bool]:
    """Return (9 digits or '', valid by the elfproef).

    Eight-digit numbers get their lost leading zero back; anything else that is not 9 digits is
    kept as digits but marked invalid.
    """
    digits = _NON_DIGIT.sub("", value or "")
    if not digits or set(digits) == {"0"}:
        return "", False
    if 7 <= len(digits) < 9:
        digits = digits.zfill(9)
    return digits, len(digits) == 9 and bool(_bsn.is_valid(digits))
