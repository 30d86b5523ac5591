"""Validated staging: the rows of each partner that passed validation, ready for linking.

``connectors`` keep the partner's full current picture in ``staging/``; ``<partner>/staged``
validates it and writes the rows that passed here (``HUB_HOME/validated/<partner>/``), with the
failing rows in quarantine. Linking and publishing read every partner's last validated files, so a
partner whose extraction failed today still contributes its last good data.
"""

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from hub.settings import Settings
from schemas.canonical import PERSON_SCHEMA, REGISTRATION_SCHEMA

SCHEMAS = {"persons": PERSON_SCHEMA, "registrations": REGISTRATION_SCHEMA}


def validated_path(settings: Settings, partner: str, dataset: str):
    """``HUB_HOME/validated/<partner>/<dataset>.parquet``."""
    return settings.home / "validated" / partner / f"{dataset}.parquet"


def write_validated(settings: Settings, partner: str, dataset: str, rows: pd.DataFrame) -> None:
    """Replace a partner's validated rows atomically, in the canonical schema."""
    path = validated_path(settings, partner, dataset)
    path.parent.mkdir(parents=True, exist_ok=True)
    schema = SCHEMAS[dataset]
    table = pa.Table.from_pandas(rows[schema.names], schema=schema, preserve_index=False)
    tmp = path.with_suffix(".parquet.tmp")
    pq.write_table(table, tmp)
    tmp.replace(path)


def read_validated(settings: Settings, partner: str, dataset: str) -> pd.DataFrame | None:
    """A partner's last validated rows, or None when it never passed validation."""
    path = validated_path(settings, partner, dataset)
    if not path.exists():
        return None
    return pq.read_table(path, schema=SCHEMAS[dataset]).to_pandas()


def read_all_validated(settings: Settings, partners: list[str], dataset: str) -> pd.DataFrame:
    """Every partner's validated rows of one dataset, concatenated (canonical columns)."""
    frames = [f for p in partners if (f := read_validated(settings, p, dataset)) is not None]
    if not frames:
        return SCHEMAS[dataset].empty_table().to_pandas()
    return pd.concat(frames, ignore_index=True)
