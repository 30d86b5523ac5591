"""Turn validation outcomes into durable quarantine rows (``hub/quarantine.py``, stage validate).

One quarantine row per failing row and rule, so a steward sees every reason a row was held back.
Writing replaces the run's earlier validation file for the partner, so validating twice in one run
(an asset and its check) never doubles the listing.

When a validation kept the row verdicts of unchanged rows (``ValidationOutcome.kept``), their
quarantine entries are those of the earlier validation's file, already masked: they are carried
over instead of rebuilt (building and masking 10,000 entries took a second), and only the changed
rows' and the set rules' entries are made anew.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from expectations.outcome import ValidationOutcome
from expectations.rules import ROW_SCOPE
from foundation.arrow import text_array
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


def _carried_rows(outcome: ValidationOutcome) -> np.ndarray:
    """Per row, True where the earlier validation's row-rule entries hold: its content is
    unchanged and its id names it alone (an entry is found by dataset, id and rule)."""
    covered = np.zeros(len(outcome.frame), dtype=bool)
    if not outcome.kept_rows:
        return covered
    id_column = ID_COLUMNS.get(outcome.dataset, "source_record_id")
    ids = outcome.frame[id_column].astype("str").reset_index(drop=True)
    return outcome.kept & ids.notna().to_numpy() & ~ids.duplicated(keep=False).to_numpy()


def carried_entries(outcome: ValidationOutcome, earlier: pd.DataFrame, covered: np.ndarray
                    ) -> pd.DataFrame:
    """The entries of the earlier validation's quarantine (``earlier``, as stored) that hold
    for this outcome: row rules' entries of the ``covered`` rows (:func:`_carried_rows`)."""
    if not covered.any() or earlier.empty:
        return earlier.iloc[0:0]
    id_column = ID_COLUMNS.get(outcome.dataset, "source_record_id")
    ids = text_array(outcome.frame[id_column]).filter(pa.array(covered))
    row_rules = [r.rule for r in outcome.rules if r.scope == ROW_SCOPE]
    # Arrow's hash lookups: pandas' isin on Arrow strings went through Python (2 s for 10,000)
    keep = pc.and_(pc.and_(pc.equal(text_array(earlier["dataset"]), outcome.dataset),
                           pc.is_in(text_array(earlier["rule"]), value_set=pa.array(row_rules))),
                   pc.is_in(text_array(earlier["source_record_id"]), value_set=ids))
    return earlier.loc[pc.fill_null(keep, False).to_numpy(zero_copy_only=False)]


def quarantine_rows(outcome: ValidationOutcome, carried: np.ndarray | None = None
                    ) -> pd.DataFrame:
    """The quarantine entries of one outcome (without partner, run, stage, timestamp); not the
    row rules' entries of the ``carried`` rows, which :func:`carried_entries` takes from the
    earlier file."""
    frame = outcome.frame
    id_column = ID_COLUMNS.get(outcome.dataset, "source_record_id")
    skip = carried if carried is not None else np.zeros(len(frame), dtype=bool)
    failing = {result.rule: [p for p in result.failed_rows
                             if result.scope != ROW_SCOPE or not skip[p]]
               for result in outcome.rules}
    rows = []
    # One conversion of all failing rows: a row-by-row ``iloc`` cost seconds per partner.
    positions = sorted({int(p) for found in failing.values() for p in found})
    records = dict(zip(positions, frame.iloc[positions].to_dict(orient="records"), strict=True))
    for result in outcome.rules:
        for position in failing[result.rule]:
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


def write_outcomes(root: Path, partner: str, run_id: str, outcomes: list[ValidationOutcome],
                   earlier: pd.DataFrame | None = None) -> Path | None:
    """Replace the partner's validation quarantine of this run with the outcomes' failures;
    ``earlier``: the stored entries of the validation whose row verdicts the outcomes kept."""
    kept = None
    if earlier is None:
        rows = pd.concat([quarantine_rows(o) for o in outcomes], ignore_index=True)
    else:
        covered = [(o, _carried_rows(o)) for o in outcomes]
        rows = pd.concat([quarantine_rows(o, c) for o, c in covered], ignore_index=True)
        kept = pd.concat([carried_entries(o, earlier, c) for o, c in covered],
                         ignore_index=True)
    return write_quarantine(root, partner, run_id, STAGE, rows, replace=True, masked=kept)
