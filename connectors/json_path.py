"""Dotted paths into parsed JSON, as partners' configurations name them (``data.items``)."""

from typing import Any


def dig(data: Any, path: str | None) -> Any:
    """Follow a dotted path (``data.items``) into parsed JSON; None when absent."""
    if not path:
        return data
    for part in path.split("."):
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return None
    return data
