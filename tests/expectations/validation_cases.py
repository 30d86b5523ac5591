"""Builders of small canonical frames for the validation tests (no real person is described).

A plain module, not conftest.py: test modules import from it by a name unique in the suite.
"""

from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from schemas.canonical import PERSON_SCHEMA, REGISTRATION_SCHEMA

TODAY = date(2026, 11, 22)
PARTNER = "veilig_thuis"
GOOD_BSN = "111222333"


def _lineage(i: int) -> dict:
    return {"extracted_at": datetime(2026, 11, 1, tzinfo=UTC), "origin": "meldingen.csv",
            "origin_row": i + 1, "content_hash": f"h{i}"}


def person(i: int = 0, **overrides: object) -> dict:
    """A person row that passes every identity rule, with ``overrides`` applied."""
    row = {
        "source": PARTNER, "source_record_id": f"r{i}", "bsn": GOOD_BSN, "first_names": "Sanne",
        "surname_prefix": None, "surname": "Visser", "birth_date": "2014-03-07", "sex": "V",
        "street": "Dam", "house_number": 12, "house_letter": None, "house_number_suffix": None,
        "postcode": "1501AB", "city": "Zaandam", "municipality_code": "0479",
        "address_confidential": False, "source_household_ref": "g1", "role": "child",
        **_lineage(i),
    }
    row.update(overrides)
    return row


def registration(i: int = 0, **overrides: object) -> dict:
    """A registration row that passes every rule (refers to person r0)."""
    row = {
        "source": PARTNER, "case_id": f"c{i}", "person_record_ids": ["r0"], "case_type": "melding",
        "status": "lopend", "start_date": date(2024, 1, 1), "end_date": None, "end_reason": None,
        "case_worker_name": "K. de Vries", "case_worker_contact": "k@example.org", **_lineage(i),
    }
    row.update(overrides)
    return row


def frame(rows: list[dict]) -> pd.DataFrame:
    out = pd.DataFrame(rows)
    if "house_number" in out.columns:
        out["house_number"] = out["house_number"].astype("Int32")
    if "address_confidential" in out.columns:
        out["address_confidential"] = out["address_confidential"].astype("boolean")
    return out


def write_staging(home: Path, partner: str, persons: list[dict], registrations: list[dict]
                  ) -> None:
    """Write canonical staging Parquet as connectors/staging.py lays it out."""
    folder = home / "staging" / partner
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows, schema in (("persons", persons, PERSON_SCHEMA),
                               ("registrations", registrations, REGISTRATION_SCHEMA)):
        data = pd.DataFrame(rows, columns=schema.names)
        pq.write_table(pa.Table.from_pandas(data, schema=schema, preserve_index=False),
                       folder / f"{name}.parquet")


