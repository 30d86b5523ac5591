"""The engines under test, each as ``persons -> assignments`` in the hub's shape.

An assignment frame has one row per input row: source, source_record_id, person_id,
household_id. Engines are imported lazily so that a run of one engine does not pay for the other's
imports (or memory) in a measured subprocess.
"""

from collections.abc import Callable

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


def engine_columns(engine: str) -> list[str] | None:
    """The input columns an engine reads (None: all), so a timed run loads only those, as
    ``hub link`` does for Parquet."""
    if engine == "hub":
        from matching.standardise import COLUMNS

        return list(COLUMNS)
    return None
