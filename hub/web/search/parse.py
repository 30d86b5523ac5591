"""Parsing of what staff type in the search form: Dutch and ISO dates, postcodes, BSNs."""

import re
from datetime import date

from foundation.bsn import compact_bsn
from foundation.errors import HubError
from hub.web.i18n import N_


class QueryError(HubError):
    """A search field could not be understood; the message names the field, not its value."""


_DUTCH_DATE = re.compile(r"^(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{4})$")
_DUTCH_MONTH = re.compile(r"^(\d{1,2})[-/. ](\d{4})$")
_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_POSTCODE = re.compile(r"^(\d{4})\s*([A-Za-z]{2})?$")


def parse_birth_date(text: str) -> str | None:
    """'7-3-2014', '2014-03-07', '03-2014' or '2014' -> ISO of the same precision."""
    text = text.strip()
    if not text:
        return None
    day: int | None
    month: int | None
    if m := _DUTCH_DATE.match(text):
        day, month, year = (int(g) for g in m.groups())
    elif m := _DUTCH_MONTH.match(text):
        day, month, year = None, int(m.group(1)), int(m.group(2))
    elif m := _ISO.match(text):
        year = int(m.group(1))
        month = int(m.group(2)) if m.group(2) else None
        day = int(m.group(3)) if m.group(3) else None
    else:
        raise QueryError(N_("birth date not understood; use 7-3-2014, 2014-03-07, 03-2014 or 2014"),
                         field="birth_date")
    try:
        date(year, month or 1, day or 1)
    except ValueError:
        raise QueryError(N_("birth date does not exist"), field="birth_date") from None
    if day is not None:
        return f"{year:04d}-{month:02d}-{day:02d}"
    if month is not None:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}"


def parse_postcode(text: str) -> str | None:
    """'1501 ab' -> '1501AB'; '1501' stays a 4-digit area."""
    text = text.strip()
    if not text:
        return None
    m = _POSTCODE.match(text)
    if not m:
        raise QueryError(N_("postcode not understood; use 1501 AB"), field="postcode")
    return m.group(1) + (m.group(2) or "").upper()


def parse_house_number(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    m = re.match(r"^(\d{1,5})", text)
    if not m:
        raise QueryError(N_("house number not understood"), field="house_number")
    return int(m.group(1))


def parse_bsn(text: str) -> str | None:
    """Digits of a typed BSN (spaces and dots allowed); 8 digits get the leading zero back."""
    digits = re.sub(r"[\s.]", "", text)
    if not digits:
        return None
    if not digits.isdigit() or len(digits) not in (8, 9):  # shorter: a typo, not a lost zero
        raise QueryError(N_("a BSN has 9 digits"), field="bsn")
    return compact_bsn(digits)
