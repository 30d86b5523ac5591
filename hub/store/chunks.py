"""``IN (...)`` lists in chunks, for every store query that selects by many keys."""

from collections.abc import Iterable
from typing import Any

IN_CHUNK = 500
"""Values per ``IN (...)`` list: well under every backend's bound-parameter limit."""


def in_chunks(values: Iterable[Any]) -> list[list[Any]]:
    """``values`` (in their order) cut into lists of at most :data:`IN_CHUNK`."""
    items = list(values)
    return [items[i:i + IN_CHUNK] for i in range(0, len(items), IN_CHUNK)]
