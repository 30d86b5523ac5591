"""CSV cells that a spreadsheet will not run as formulas (CSV or formula injection).

Partner data reaches CSV files the hub writes (``hub link`` output and its review list): an id or
a name starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be taken as a
formula by Excel or LibreOffice. Such a text cell is written with a leading apostrophe (the OWASP
advice); the hub strips exactly that apostrophe again when it reads its own CSV back, so ids
round-trip. Numbers stay numbers. Every CSV writer of the hub goes through :func:`safe_frame`.
"""

import pandas as pd

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def neutralise(value: object) -> object:
    """A text value made safe for a spreadsheet; any other value unchanged."""
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return QUOTE + value
    return value


def restore(value: object) -> object:
    """Undo :func:`neutralise` on a value read back from a CSV the hub wrote."""
    if isinstance(value, str) and value.startswith(QUOTE) and value[1:2] in TRIGGERS:
        return value[1:]
    return value


def _text_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns
            if pd.api.types.is_string_dtype(frame[c]) or frame[c].dtype == object]


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells are neutralised, ready for ``to_csv``."""
    out = frame.copy()
    for column in _text_columns(out):
        out[column] = out[column].map(neutralise)
    return out


def restored_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame read from a hub-written CSV with the neutralising apostrophes removed."""
    out = frame.copy()
    for column in _text_columns(out):
        out[column] = out[column].map(restore)
    return out
