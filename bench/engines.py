"""The engines under test, each as ``persons -> assignments`` in the hub's shape.

An assignment frame has one row per input row: source, source_record_id, person_id,
household_id. Engines are imported lazily so that a run of one engine does not pay for the other's
imports (or memory) in a measured subprocess.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

Engine = Callable[[pd.DataFrame], pd.DataFrame]
ASSIGNMENT_COLUMNS = ["source", "source_record_id", "person_id", "household_id"]


def hub_engine(persons: pd.DataFrame) -> pd.DataFrame:
    """The registration hub's matching (``matching.link``) with its default configuration."""
    from matching import link

    return link(persons).assignments[ASSIGNMENT_COLUMNS]


def splink_engine(persons: pd.DataFrame) -> pd.DataFrame:
    """The Splink 5 baseline of :mod:`bench.splink_baseline`."""
    from bench.splink_baseline import link

    return link(persons)[ASSIGNMENT_COLUMNS]


ENGINES: dict[str, Engine] = {"hub": hub_engine, "splink": splink_engine}


@dataclass(frozen=True)
class EngineRun:
    """What the accuracy part scores of one engine run: assignments and, if any, a review list."""

    assignments: pd.DataFrame
    review: pd.DataFrame | None = None


def hub_run(persons: pd.DataFrame) -> EngineRun:
    """``matching.link`` with its default configuration, keeping the steward's review list."""
    from matching import link

    result = link(persons)
    return EngineRun(result.assignments[ASSIGNMENT_COLUMNS], result.review)


def splink_run(persons: pd.DataFrame) -> EngineRun:
    """The Splink baseline has no review list (its pairs below 0.95 are simply not merged)."""
    return EngineRun(splink_engine(persons))


RUNS: dict[str, Callable[[pd.DataFrame], EngineRun]] = {"hub": hub_run, "splink": splink_run}


@dataclass(frozen=True)
class CandidatePairs:
    """The pairs the blocking rules generate, as positions into ``keys`` (one key per record:
    'source\x1fsource_record_id', the stripped values)."""

    keys: pd.Series
    left: np.ndarray
    right: np.ndarray


def hub_candidate_pairs(persons: pd.DataFrame) -> CandidatePairs:
    """The hub's candidate pairs under its default blocking rules.

    Uses the engine's own steps (``matching.standardise.prepare``, ``matching.blocking.block``,
    importable for tools though not part of the ``link`` contract), so the figure is exactly what
    ``link`` compares; the benchmark does not re-implement blocking.
    """
    from matching.blocking import block
    from matching.config import LinkConfig
    from matching.standardise import prepare

    config = LinkConfig()
    prepared = prepare(persons)
    left, right, _, _ = block(prepared, config.blocking_rules, config.max_block_size,
                              config.block_window)
    return CandidatePairs(pd.Series(prepared.keys, dtype="str").reset_index(drop=True),
                          np.asarray(left), np.asarray(right))


CANDIDATES: dict[str, Callable[[pd.DataFrame], CandidatePairs]] = {"hub": hub_candidate_pairs}
"""Engines whose blocking can be scored (Splink's blocking is inside its own SQL)."""


def engine_columns(engine: str) -> list[str] | None:
    """The input columns an engine reads (None: all), so a timed run loads only those, as
    ``hub link`` does for Parquet."""
    if engine == "hub":
        from matching.standardise import COLUMNS

        return list(COLUMNS)
    return None
