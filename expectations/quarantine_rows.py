"""Turn validation outcomes into durable quarantine rows (``hub/quarantine.py``, stage validate).

One quarantine row per failing row and rule, so a steward sees every reason a row was held back.
Writing replaces the run's earlier validation file for the partner, so validating twice in one run
(an asset and its check) never doubles the listing.
"""

from pathlib import Path

import numpy as np
import pandas as pd

from expectations.outcome import ValidationOutcome
from foundation.quarantine import record_json, write_quarantine

STAGE = "validate"
ID_COLUMNS = {"persons": "source_record_id", "registrations": "case_id"}


INTEGER_FIELDS = ("house_number", "origin_row")
"""Integer fields that pandas turns into floats when a column has gaps."""


def _plain(name: str, value: object) -> object:
    if isinstance(value, np.ndarray):
        return [_plain(name, v) for v in value.tolist()]
    if name in INTEGER_FIELDS and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def quarantine_rows(outcome: ValidationOutcome) -> pd.DataFrame:
    """The quarantine entries of one outcome (without partner, run, stage, timestamp)."""
    frame = outcome.frame
    id_column = ID_COLUMNS.get(outcome.dataset, "source_record_id")
    rows = []
    # One conversion of all failing rows: a row-by-row ``iloc`` cost seconds per partner.
    positions = sorted({int(p) for result in outcome.rules for p in result.failed_rows})
    records = dict(zip(positions, frame.iloc[positions].to_dict(orient="records"), strict=True))
    for result in outcome.rules:
        for position in result.failed_rows:
            record = {k: _plain(k, v) for k, v in records[int(position)].items()}
            origin_row = record.get("origin_row")
            rows.append({
                "dataset": outcome.dataset,
                "origin": str(record.get("origin") or f"staging/{outcome.dataset}"),
                "origin_row": None if pd.isna(origin_row) else int(str(origin_row)),
                "source_record_id": None if pd.isna(record.get(id_column))
                else str(record.get(id_column)),
                "rule": result.rule,
                "field": result.field,
                "reason": result.reason,
                "severity": result.severity,
                "record": record_json(record),
            })
    columns = ["dataset", "origin", "origin_row", "source_record_id", "rule", "field", "reason",
               "severity", "record"]
    out = pd.DataFrame(rows, columns=columns)
    out["origin_row"] = out["origin_row"].astype("Int64")
    return out


def write_outcomes(root: Path, partner: str, run_id: str,
                   outcomes: list[ValidationOutcome]) -> Path | None:
    """Replace the partner's validation quarantine of this run with the outcomes' failures."""
    rows = pd.concat([quarantine_rows(o) for o in outcomes], ignore_index=True)
    return write_quarantine(root, partner, run_id, STAGE, rows, replace=True)
