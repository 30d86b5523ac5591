"""Connector state per partner: watermarks and processed file hashes in ``HUB_HOME/state``.

The state is saved only after staging is written, so a failed run is simply read again next time.
"""

import datetime as dt
import json
from pathlib import Path
from typing import Any

from foundation.files import private_write
from foundation.settings import Settings


def state_path(settings: Settings, partner: str) -> Path:
    return settings.state / f"{partner}.json"


def load_state(settings: Settings, partner: str) -> dict[str, Any]:
    """The saved state (``{"files": {sha256: {...}}, "watermarks": {dataset: {...}}}``)."""
    path = state_path(settings, partner)
    if not path.exists():
        return {"files": {}, "watermarks": {}}
    state: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    state.setdefault("files", {})
    state.setdefault("watermarks", {})
    return state


def save_state(settings: Settings, partner: str, state: dict[str, Any]) -> None:
    """Write the state atomically."""
    with private_write(state_path(settings, partner)) as tmp:
        tmp.write_text(json.dumps(state, indent=2, sort_keys=True, default=str),
                       encoding="utf-8")


def encode_watermark(value: Any) -> dict[str, Any] | None:
    """Keep the watermark's type so it binds back as the same type (datetime, date, int, str)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return {"type": "datetime", "value": value.isoformat()}
    if isinstance(value, dt.date):
        return {"type": "date", "value": value.isoformat()}
    if isinstance(value, bool):
        return {"type": "str", "value": str(value)}
    if isinstance(value, int):
        return {"type": "int", "value": value}
    if isinstance(value, float):
        return {"type": "float", "value": value}
    return {"type": "str", "value": str(value)}


def decode_watermark(saved: dict[str, Any] | None) -> Any:
    if not saved:
        return None
    kind, value = saved["type"], saved["value"]
    if kind == "datetime":
        return dt.datetime.fromisoformat(value)
    if kind == "date":
        return dt.date.fromisoformat(value)
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    return value
