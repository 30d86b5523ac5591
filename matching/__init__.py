"""The matching engine: link canonical person records into persons and households.

Public API (see docs/contracts.md, "Matching")::

    from matching import link, LinkConfig, LinkResult
    result = link(persons, previous=None, decisions=None, config=None)

Everything else (standardise, blocking, compare, scoring, clustering, households, stable_ids,
review) is importable for tests and tools but not part of the contract.
"""

from matching.config import LinkConfig
from matching.engine import LinkResult, link

__all__ = ["LinkConfig", "LinkResult", "link"]
