"""Dates as partners write them, to ISO dates of reduced precision.

Partners often know only a year or a month of birth. ``%Y`` or ``%m-%Y`` formats, and a day or month
written as ``00``, give ``YYYY`` or ``YYYY-MM``: never invent a day or month (it creates false
matches).
"""

import datetime as dt
import re

from schemas.canonical import PARTIAL_DATE_PATTERN


class DateParseError(ValueError):
    """A date that matches none of the configured formats."""


_ISO_DATETIME = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")


def _precision(fmt: str) -> int:
    """3 for a full date, 2 for year and month, 1 for year only."""
    if "%d" in fmt or "%j" in fmt:
        return 3
    if "%m" in fmt or "%b" in fmt or "%B" in fmt:
        return 2
    return 1


def _with_zero_parts(text: str, fmt: str) -> str | None:
    """Handle ``00`` for unknown day or month: parse with ``01`` and lower the precision."""
    if "%d" not in fmt and "%m" not in fmt:
        return None
    pattern = re.escape(fmt)
    groups = (("%d", r"(?P<d>\d{1,2})"), ("%m", r"(?P<m>\d{1,2})"), ("%Y", r"(?P<y>\d{4})"))
    for code, group in groups:
        pattern = pattern.replace(re.escape(code), group)
    match = re.fullmatch(pattern, text)
    if not match:
        return None
    year = match.group("y") if "y" in match.groupdict() else None
    month = match.groupdict().get("m")
    day = match.groupdict().get("d")
    if year is None:
        return None
    if month is None or int(month) == 0:
        return year
    if not 1 <= int(month) <= 12:
        return None
    if day is None or int(day) == 0:
        return f"{year}-{int(month):02d}"
    return None


def parse_partial_date(value: object, formats: tuple[str, ...] = ()) -> str | None:
    """Parse a date value into ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; raise DateParseError.

    Without formats, ISO dates (of any precision) and ISO datetimes are accepted.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    if not text:
        return None
    for fmt in formats:
        try:
            parsed = dt.datetime.strptime(text, fmt)
        except ValueError:
            partial = _with_zero_parts(text, fmt)
            if partial:
                return partial
            continue
        iso = parsed.date().isoformat()
        return iso[: {3: 10, 2: 7, 1: 4}[_precision(fmt)]]
    if PARTIAL_DATE_PATTERN.match(text):
        return text
    partial = _with_zero_parts(text, "%Y-%m-%d")  # ISO with 00 for unknown parts
    if partial:
        return partial
    match = _ISO_DATETIME.match(text)
    if match:
        return match.group(1)
    raise DateParseError("date does not match the configured formats")


def parse_full_date(value: object, formats: tuple[str, ...] = ()) -> dt.date | None:
    """Parse a date that must be complete (registration start and end); raise DateParseError."""
    iso = parse_partial_date(value, formats)
    if iso is None:
        return None
    if len(iso) != 10:
        raise DateParseError("a complete date (day, month and year) is required")
    return dt.date.fromisoformat(iso)
