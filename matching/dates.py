"""Birth dates of reduced precision and their typical errors.

Canonical birth dates are ISO strings 'YYYY-MM-DD', 'YYYY-MM' or 'YYYY'. Matching must treat a
partial date as consistent with any full date inside it, recognise day/month swaps (03-07 versus
07-03), the placeholder 1 January that some systems write for "unknown", and single typos.
"""

import re

_DATE = re.compile(r"^\s*(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?")


def parse_partial_date(value: str) -> tuple[int, int, int]:
    """Return (year, month, day) with 0 for an unknown part; (0, 0, 0) when unusable."""
    match = _DATE.match(value or "")
    if not match:
        return 0, 0, 0
    year = int(match.group(1))
    month = int(match.group(2) or 0)
    day = int(match.group(3) or 0)
    if not 1850 <= year <= 2100:
        return 0, 0, 0
    if not 0 <= month <= 12:
        month, day = 0, 0
    if not 0 <= day <= 31 or month == 0:
        day = 0
    return year, month, day


def is_placeholder(month: int, day: int) -> bool:
    """1 January is what many systems write when only the year is known."""
    return month == 1 and day == 1
