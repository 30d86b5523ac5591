"""Validated staging: the rows of each partner that passed validation, ready for linking.

``connectors`` keep the partner's full current picture in ``staging/``; ``<partner>/staged``
validates it and writes the rows that passed here (``HUB_HOME/validated/<partner>/``), with the
failing rows in quarantine. Linking and publishing read every partner's last validated files, so a
partner whose extraction failed today still contributes its last good data. Between
``<partner>/staged`` and ``linked_persons`` these files are handed over by a Dagster IO manager
(:class:`pipelines.io_managers.ValidatedIOManager`); publishing and the merged check read them
here, every partner's at once.
"""

import json
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from connectors.mapping import to_table
from foundation.files import private_write
from foundation.settings import Settings
from schemas.canonical import PERSON_SCHEMA, REGISTRATION_SCHEMA

SCHEMAS = {"persons": PERSON_SCHEMA, "registrations": REGISTRATION_SCHEMA}


def validated_path(settings: Settings, partner: str, dataset: str) -> Path:
    """``HUB_HOME/validated/<partner>/<dataset>.parquet``."""
    return settings.validated / partner / f"{dataset}.parquet"


def write_validated(settings: Settings, partner: str, dataset: str, rows: pd.DataFrame) -> None:
    """Replace a partner's validated rows atomically, in the canonical schema."""
    table = to_table(rows, dataset)
    with private_write(validated_path(settings, partner, dataset)) as tmp:
        pq.write_table(table, tmp)


def read_validated(settings: Settings, partner: str, dataset: str) -> pd.DataFrame | None:
    """A partner's last validated rows, or None when it never passed validation."""
    table = read_validated_table(settings, partner, dataset)
    return None if table is None else table.to_pandas()


def read_validated_table(settings: Settings, partner: str, dataset: str) -> pa.Table | None:
    """:func:`read_validated` as an Arrow table (what a reader that needs a few rows filters)."""
    path = validated_path(settings, partner, dataset)
    if not path.exists():
        return None
    return pq.read_table(path, schema=SCHEMAS[dataset])


def write_held_back(settings: Settings, partner: str, rows: pd.DataFrame) -> None:
    """Record which staged person records validation held back (ids only, no personal data)."""
    ids = pd.DataFrame({"source": rows["source"].astype("str"),
                        "source_record_id": rows["source_record_id"].astype("str")})
    with private_write(settings.validated / partner / "held_back.parquet") as tmp:
        ids.to_parquet(tmp, index=False)


def read_all_held_back(settings: Settings, partners: list[str]) -> pd.DataFrame:
    """``source, source_record_id`` of every partner's held-back person records."""
    paths = [settings.validated / p / "held_back.parquet" for p in partners]
    frames = [pd.read_parquet(p) for p in paths if p.exists()]
    if not frames:
        return pd.DataFrame({"source": pd.Series(dtype="str"),
                             "source_record_id": pd.Series(dtype="str")})
    return pd.concat(frames, ignore_index=True)


def read_all_validated(settings: Settings, partners: list[str], dataset: str) -> pd.DataFrame:
    """Every partner's validated rows of one dataset, concatenated (canonical columns)."""
    return combine_validated(
        settings, [read_validated(settings, p, dataset) for p in partners], dataset)


def combine_validated(settings: Settings, frames: list[pd.DataFrame | None],
                      dataset: str) -> pd.DataFrame:
    """Partners' validated rows of one dataset as one frame (None: a partner never validated)."""
    frames = [f for f in frames if f is not None]
    if not frames:
        return SCHEMAS[dataset].empty_table().to_pandas()
    rows = pd.concat(frames, ignore_index=True)
    if dataset == "persons":  # confidential addresses live apart on disk; joined in memory
        from connectors.staging import with_secret_addresses

        rows = with_secret_addresses(settings, rows)
    return rows


def write_validated_info(settings: Settings, partner: str, extracted_at: datetime,
                         run_id: str) -> None:
    """Record when the partner's validated data was extracted: its freshness when published."""
    info = {"extracted_at": extracted_at.astimezone(UTC).isoformat(), "run_id": run_id}
    with private_write(settings.validated / partner / "info.json") as tmp:
        tmp.write_text(json.dumps(info, sort_keys=True), encoding="utf-8")


def read_validated_info(settings: Settings, partner: str) -> dict | None:
    """``{"extracted_at": datetime, "run_id": str}`` of the partner's validated data, or None."""
    path = settings.validated / partner / "info.json"
    if not path.exists():
        return None
    info = json.loads(path.read_text(encoding="utf-8"))
    info["extracted_at"] = datetime.fromisoformat(info["extracted_at"])
    return info
