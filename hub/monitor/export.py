"""Writing the published monitor table as CSV and Parquet for managers and analysts.

CSV cells are neutralised against formula injection (a cell starting with ``=``, ``+``, ``-``,
``@``, tab or carriage return gets a leading apostrophe) because managers open the file in a
spreadsheet. This is a small local function: no shared one existed in ``foundation`` when this
was written; replace it by the shared one when it comes.
"""

from pathlib import Path

import pandas as pd

from hub.monitor.report import MONITOR_COLUMNS

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula, made plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def write(table: pd.DataFrame, out: Path, stem: str = "monitor") -> list[Path]:
    """Write ``<stem>.csv`` (neutralised, UTF-8 with BOM for Excel) and ``<stem>.parquet``."""
    if tuple(table.columns) != MONITOR_COLUMNS:  # never write anything but the published cells
        raise ValueError(f"the monitor table must have exactly the columns {MONITOR_COLUMNS}")
    out.mkdir(parents=True, exist_ok=True)
    csv_path, parquet_path = out / f"{stem}.csv", out / f"{stem}.parquet"
    text = table.astype({c: object for c in table.columns if c != "value"})
    for column in text.columns:
        if column != "value":
            text[column] = text[column].map(neutralise)
    text.to_csv(csv_path, index=False, encoding="utf-8-sig")
    table.to_parquet(parquet_path, index=False)
    return [csv_path, parquet_path]
