"""The stewards' decisions on a pair of records: the vocabulary matching, the store and the web
app share (one place, so a third kind cannot be added in one of them only)."""

from typing import Literal

Decision = Literal["must_link", "cannot_link"]
DECISIONS: tuple[Decision, ...] = ("must_link", "cannot_link")
"""must_link: the two records are one person; cannot_link: they are two."""
