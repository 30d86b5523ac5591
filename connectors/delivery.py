"""What every connector yields: deliveries of raw rows in chunks, with where they came from.

A delivery is one file, one table or query, or one endpoint. Its chunks are DataFrames of raw rows
with :data:`connectors.mapping.ORIGIN` and :data:`~connectors.mapping.ORIGIN_ROW`; the extractor
maps each chunk as it arrives, so memory stays flat. ``state`` is filled while the chunks are read
(the new watermark) and committed by the extractor only after staging is written.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd


@dataclass
class Delivery:
    """One unit of delivery with lazily read chunks."""

    origin: str
    chunks: Iterator[pd.DataFrame]
    full: bool = False
    """True when the delivery is the partner's whole current picture (replaces staging)."""
    path: Path | None = None
    sha256: str | None = None
    state: dict[str, Any] = field(default_factory=dict)


@dataclass
class Rejected:
    """A whole delivery that could not be parsed; it is moved to ``rejected/`` and quarantined."""

    origin: str
    reason: str
    path: Path | None = None
    sha256: str | None = None
