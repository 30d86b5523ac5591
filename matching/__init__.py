"""The matching engine: link canonical person records into persons and households.

Public API (see docs/contracts.md, "Matching")::

    from matching import link, LinkConfig, LinkResult
    result = link(persons, previous=None, decisions=None, config=None)
    new = link_increment(new_rows, known_rows, result.stats["model"])  # between full runs
    pairs = candidate_pairs(persons, config=None)            # what blocking compares
    share = blocking_recall(persons, true_entity, config=None)  # for benchmarks

Everything else (standardise, blocking, compare, scoring, clustering, households, stable_ids,
review) is importable for tests and tools but not part of the contract.
"""

from matching.candidates import blocking_recall, candidate_pairs
from matching.config import LinkConfig
from matching.engine import LinkResult, link
from matching.increment import link_increment

__all__ = ["LinkConfig", "LinkResult", "blocking_recall", "candidate_pairs", "link",
           "link_increment"]
