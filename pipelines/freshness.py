"""How fresh each partner's data in the merged registration is, and why it may be old.

A partner whose extraction failed, or whose staging failed a blocking rule, keeps its last
validated data in the registration; this module tells when that data was extracted and what
happened on the latest attempt, from the validated data's own record and the Dagster instance.
"""

from datetime import UTC, datetime

import dagster as dg
import pandas as pd

from hub.settings import Settings
from pipelines.keys import extracted_key, staged_key
from pipelines.validated import read_validated_info

OK = "ok"
EXTRACT_FAILED = "extract failed"
BLOCKED = "blocked by validation"
NO_DATA = "no data yet"


def last_extract_time(
    instance: dg.DagsterInstance, partner: str, staged_rows: pd.DataFrame
) -> datetime:
    """When the partner was last extracted successfully: the latest materialisation of its
    extracted asset, else the newest ``extracted_at`` in its staging, else now."""
    event = instance.get_latest_materialization_event(extracted_key(partner))
    if event is not None:
        return datetime.fromtimestamp(event.timestamp, tz=UTC)
    if len(staged_rows) and "extracted_at" in staged_rows:
        newest = pd.to_datetime(staged_rows["extracted_at"], utc=True).max()
        if not pd.isna(newest):
            return newest.to_pydatetime()
    return datetime.now(UTC)


def _latest_attempt_failed(instance: dg.DagsterInstance, key: dg.AssetKey) -> bool:
    records = instance.get_asset_records([key])
    if not records:
        return False
    entry = records[0].asset_entry
    failed = entry.last_failed_to_materialize_record
    if failed is None:
        return False
    done = entry.last_materialization_record
    return done is None or failed.storage_id > done.storage_id


def _blocked(instance: dg.DagsterInstance, partner: str) -> bool:
    event = instance.get_latest_materialization_event(staged_key(partner))
    if event is None or event.asset_materialization is None:
        return False
    value = event.asset_materialization.metadata.get("blocked")
    return bool(value.value) if value is not None else False


def partner_freshness(
    settings: Settings, partners: list[str], instance: dg.DagsterInstance
) -> pd.DataFrame:
    """Per partner: ``partner``, ``last_good_extract`` (UTC), ``status`` of the latest attempt."""
    rows = []
    for partner in partners:
        info = read_validated_info(settings, partner)
        if _latest_attempt_failed(instance, extracted_key(partner)):
            status = EXTRACT_FAILED
        elif _blocked(instance, partner):
            status = BLOCKED
        elif info is None:
            status = NO_DATA
        else:
            status = OK
        rows.append(
            {
                "partner": partner,
                "last_good_extract": pd.Timestamp(info["extracted_at"]) if info else pd.NaT,
                "status": status,
            }
        )
    frame = pd.DataFrame(rows, columns=["partner", "last_good_extract", "status"])
    frame["last_good_extract"] = pd.to_datetime(frame["last_good_extract"], utc=True)
    return frame
