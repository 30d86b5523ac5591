"""How fresh each partner's data in the merged registration is, and why it may be old.

A partner whose extraction failed, or whose staging failed a blocking rule, keeps its last
validated data in the registration. Each partner's latest attempt is recorded in
``HUB_HOME/pipeline/status/<partner>.json`` (no personal data: times, outcome, error text), so the
published registration can tell when the data in use was extracted and what happened since,
whichever Dagster instance ran the steps.
"""

import json
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from foundation.settings import Settings
from pipelines.validated import read_validated_info

OK = "ok"
EXTRACT_FAILED = "extract failed"
BLOCKED = "blocked by validation"
NO_DATA = "no data yet"


def status_path(settings: Settings, partner: str) -> Path:
    return settings.pipeline_status / f"{partner}.json"


def read_status(settings: Settings, partner: str) -> dict:
    """The partner's recorded attempts (empty before the first one)."""
    path = status_path(settings, partner)
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _write_status(settings: Settings, partner: str, status: dict) -> None:
    path = status_path(settings, partner)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(status, sort_keys=True), encoding="utf-8")
    tmp.replace(path)


def record_extract(settings: Settings, partner: str, error: str | None = None,
                   at: datetime | None = None) -> None:
    """Record an extraction attempt: successful when ``error`` is None."""
    status = read_status(settings, partner)
    moment = (at or datetime.now(UTC)).isoformat()
    status["last_attempt_at"] = moment
    status["last_error"] = error
    if error is None:
        status["last_success_at"] = moment
    _write_status(settings, partner, status)


def record_validation(settings: Settings, partner: str, blocked: bool) -> None:
    """Record whether the latest staging passed the blocking rules."""
    status = read_status(settings, partner)
    status["blocked"] = blocked
    _write_status(settings, partner, status)


def last_extract_time(settings: Settings, partner: str, staged: pd.DataFrame) -> datetime:
    """When the partner was last extracted successfully: as recorded by its extracted asset,
    else (staging filled by ``hub extract``) the newest ``extracted_at`` in staging, else now."""
    moment = read_status(settings, partner).get("last_success_at")
    if moment:
        return datetime.fromisoformat(moment)
    if len(staged) and "extracted_at" in staged:
        newest = pd.to_datetime(staged["extracted_at"], utc=True).max()
        if not pd.isna(newest):
            return newest.to_pydatetime()
    return datetime.now(UTC)


def partner_freshness(settings: Settings, partners: list[str]) -> pd.DataFrame:
    """Per partner: ``partner``, ``last_good_extract`` (UTC) of the data in use, ``status`` of
    the latest attempt and its ``error``."""
    rows = []
    for partner in partners:
        info = read_validated_info(settings, partner)
        status = read_status(settings, partner)
        if status.get("last_error"):
            state = EXTRACT_FAILED
        elif status.get("blocked"):
            state = BLOCKED
        elif info is None:
            state = NO_DATA
        else:
            state = OK
        rows.append(
            {
                "partner": partner,
                "last_good_extract": pd.Timestamp(info["extracted_at"]) if info else pd.NaT,
                "status": state,
                "error": status.get("last_error"),
            }
        )
    frame = pd.DataFrame(rows, columns=["partner", "last_good_extract", "status", "error"])
    frame["last_good_extract"] = pd.to_datetime(frame["last_good_extract"], utc=True)
    return frame
