"""Labelled data sets for the benchmark: the hub's synthetic Dutch population and FEBRL.

The synthetic data comes from the demo-data generator (``hub.demo.generate_population``), whose
truth names for every person record the true person and household and flags the hard cases
(twins, typos, moves, ...). Every boolean truth column is treated as a hard-case flag for the
error breakdown; the twin flag also defines the twin groups (records flagged as twins in one true
household) unless the truth carries an explicit twin-group column.
"""

import hashlib
from pathlib import Path

import pandas as pd

from bench.febrl import CACHE, LabelledData, load_febrl3, load_febrl4
from bench.metrics import KEY

TWIN_GROUP = "twin_group"
_CALIBRATION_HOUSEHOLDS = 400


def _generate(households: int, seed: int, profile: str) -> LabelledData:
    from hub.demo import generate_population

    population = generate_population(households, seed, profile=profile)
    persons = population.persons.reset_index(drop=True)
    truth = population.truth.reset_index(drop=True)
    return LabelledData(f"synthetic-{profile}", persons, with_twin_groups(truth))


def with_twin_groups(truth: pd.DataFrame) -> pd.DataFrame:
    """Add ``twin_group`` (missing for non-twins) from whatever twin columns the truth has."""
    truth = truth.copy()
    explicit = [c for c in truth.columns if "twin" in c.lower() and c != TWIN_GROUP
                and not pd.api.types.is_bool_dtype(truth[c])]
    flags = [c for c in truth.columns if "twin" in c.lower()
             and pd.api.types.is_bool_dtype(truth[c])]
    if TWIN_GROUP in truth.columns:
        return truth
    if explicit:
        truth[TWIN_GROUP] = truth[explicit[0]].astype("str")
    elif flags and "true_household_id" in truth.columns:
        is_twin = truth[flags].fillna(False).any(axis=1)
        truth[TWIN_GROUP] = truth["true_household_id"].astype("str").where(is_twin)
    else:
        truth[TWIN_GROUP] = pd.Series(None, index=truth.index, dtype="str")
    return truth


def flag_columns(truth: pd.DataFrame) -> list[str]:
    """Boolean truth columns: the hard-case flags."""
    return [c for c in truth.columns if c not in KEY and pd.api.types.is_bool_dtype(truth[c])]


def records_per_household(seed: int, profile: str = "normal") -> float:
    """Person records per household in the generator's output, measured on a small sample."""
    sample = _generate(_CALIBRATION_HOUSEHOLDS, seed, profile)
    return len(sample.persons) / _CALIBRATION_HOUSEHOLDS


def synthetic(records: int, seed: int, profile: str, per_household: float) -> LabelledData:
    """A synthetic population of about ``records`` person records."""
    households = max(1, round(records / per_household))
    return _generate(households, seed, profile)


def _generator_fingerprint() -> str:
    import hub.demo

    digest = hashlib.sha256()
    for path in sorted(Path(hub.demo.__file__).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def cached_synthetic(
    records: int, seed: int, per_household: float, cache: Path = CACHE
) -> tuple[Path, Path]:
    """Persons and truth Parquet files for a speed run, generated once per generator version."""
    stem = f"synthetic-normal-{records}-s{seed}-{_generator_fingerprint()}"
    persons_path, truth_path = cache / f"{stem}.persons.parquet", cache / f"{stem}.truth.parquet"
    if not (persons_path.exists() and truth_path.exists()):
        data = synthetic(records, seed, "normal", per_household)
        cache.mkdir(parents=True, exist_ok=True)
        data.persons.to_parquet(persons_path, index=False)
        data.truth.to_parquet(truth_path, index=False)
    return persons_path, truth_path


__all__ = [
    "LabelledData",
    "cached_synthetic",
    "flag_columns",
    "load_febrl3",
    "load_febrl4",
    "records_per_household",
    "synthetic",
    "with_twin_groups",
]
