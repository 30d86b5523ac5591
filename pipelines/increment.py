"""One partner's delivery linked and published incrementally: the order of the store's and
matching's calls, shared by the ``<partner>/increment`` asset, its tests and the benchmark.

A delivery is published incrementally only when a full run published a version and fitted a
model, and when it changes at most :data:`INCREMENT_LIMIT` records; otherwise the outcome is
``full_run`` and the full publish job links it (its sensor starts that job). Nothing is lost
either way: the partner's validated rows stay in staging, which every full run reads.
"""

import time
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from hub.store.candidates import candidate_records
from hub.store.decisions import decisions_for_matching
from hub.store.increment import Staged, changed_records, fitted_model, publish_increment
from hub.store.versions import current_version_id

INCREMENT_LIMIT = 2_000
"""Changed records above which a delivery goes to the full run: a bulk delivery (a partner's
initial load, a re-export) is what the full run is for, and past a few thousand records its
candidates approach a sizeable part of the hub."""

PUBLISHED, UNCHANGED, FULL_RUN = "published", "unchanged", "full_run"


@dataclass(frozen=True)
class IncrementOutcome:
    """What an incremental run did: counts and seconds, never record values."""

    status: str
    """``published``, ``unchanged`` (nothing new) or ``full_run`` (left for the full run)."""
    reason: str = ""
    version_id: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def run_increment(
    engine: sa.Engine,
    run_id: str,
    source: str,
    persons: Staged,
    registrations: Staged | None,
    *,
    snapshots: Path | None = None,
    limit: int = INCREMENT_LIMIT,
) -> IncrementOutcome:
    """Find the partner's new and changed rows, link them against their candidates with the
    full run's model, and publish them into the published version."""
    # lazy: matching (scipy, rapidfuzz) costs about 0.9 s to import
    from matching import LinkConfig, link_increment

    clock = time.perf_counter()
    seconds: dict[str, float] = {}

    def lap(step: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[step] = round(now - clock, 3)
        clock = now

    with engine.connect() as conn:
        version = current_version_id(conn)
        model = fitted_model(conn, version) if version is not None else None
        if version is None or model is None:
            return IncrementOutcome(FULL_RUN, "no full run has published a version yet")
        delta = changed_records(conn, version, source, persons, registrations)
        lap("changed_records")
        counts = {"new_records": len(delta.persons), "new_registrations":
                  len(delta.registrations), "disappeared_records": len(delta.disappeared)}
        if delta.empty:
            return IncrementOutcome(UNCHANGED, "nothing new in the delivery", version, counts,
                                    seconds)
        if len(delta.persons) > limit:
            return IncrementOutcome(FULL_RUN, f"more than {limit} new or changed records",
                                    version, counts, seconds)
        known = candidate_records(conn, version, delta.persons)
        lap("candidate_records")
    decisions = decisions_for_matching(engine)
    result = link_increment(delta.persons, known, model, LinkConfig(), decisions)
    lap("link_increment")
    publish_increment(engine, run_id, delta.persons, delta.registrations, result,
                      snapshots=snapshots, expected_version=version)
    lap("publish_increment")
    stats = result.stats
    counts |= {"candidates": len(known),
               "joined_existing_persons": int(stats.get("joined_existing_person", 0)),
               "new_persons": int(stats.get("new_persons", 0)),
               "joined_existing_households": int(stats.get("joined_existing_household", 0)),
               "new_households": int(stats.get("new_households", 0)),
               "review_items": int(len(result.review))}
    return IncrementOutcome(PUBLISHED, "", version, counts, seconds)
