"""Dutch address parts: postcodes and house numbers in the shapes partners type them."""

import re

_POSTCODE = re.compile(r"^\s*([1-9]\d{3})\s*([A-Za-z]{2})\s*$")
_HOUSE = re.compile(
    r"^\s*(?P<number>\d{1,5})\s*(?P<letter>[A-Za-z](?![A-Za-z]))?"
    r"\s*[-/ ]?\s*(?P<suffix>[A-Za-z0-9]{1,4})?\s*$"
)


class AddressParseError(ValueError):
    """A postcode or house number that does not follow the Dutch format."""


def normalise_postcode(text: str | None) -> str | None:
    """"1501 ab" -> "1501AB"; empty stays empty; anything else raises AddressParseError."""
    if text is None or not str(text).strip():
        return None
    match = _POSTCODE.match(str(text))
    if not match:
        raise AddressParseError("not a Dutch postcode (1234AB)")
    return f"{match.group(1)}{match.group(2).upper()}"


def split_house_number(text: str | None) -> tuple[int | None, str | None, str | None]:
    """"12a-2" -> (12, "a", "2"); "12 bis" -> (12, None, "bis"); "12" -> (12, None, None)."""
    if text is None:
        return None, None, None
    text = str(text).strip()
    if not text:
        return None, None, None
    if re.fullmatch(r"\d+\.0", text):  # spreadsheet numbers
        text = text[:-2]
    match = _HOUSE.match(text)
    if not match:
        raise AddressParseError("not a house number (12, 12a, 12-2, 12a-2)")
    letter = match.group("letter")
    suffix = match.group("suffix")
    return int(match.group("number")), letter.lower() if letter else None, suffix


def postcode_digits(postcode: str | None) -> int | None:
    """The 4-digit part of a normalised postcode, for scope ranges."""
    if not postcode or len(postcode) < 4 or not postcode[:4].isdigit():
        return None
    return int(postcode[:4])
