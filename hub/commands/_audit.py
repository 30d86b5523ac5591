"""Audit entries for commands that read personal data in bulk (export, quarantine records)."""

import getpass
from typing import Any

from hub.commands._errors import USAGE, reported


def cli_actor() -> str:
    """The audit log's actor for a command: ``cli:<os user>``."""
    try:
        return f"cli:{getpass.getuser()}"[:64]
    except (KeyError, OSError):
        return "cli"


def record_bulk_read(action: str, target_kind: str, target_id: str | None,
                     detail: dict[str, Any], reason: str | None = None) -> None:
    """Write one entry to the store's audit log (creating the store if there is none yet, as
    quarantine exists before the first publish); without a key or a usable store the command
    stops (exit 2) before showing anything: a bulk read that cannot be audited does not happen."""
    from foundation.settings import get_settings
    from hub.access import audit
    from hub.access.audit_key import load_key
    from hub.store.engine import open_store

    with reported("cannot audit this read of personal data", USAGE):
        load_key()
        engine = open_store(get_settings().store_url)
        try:
            audit.record(engine, action, actor=cli_actor(), target_kind=target_kind,
                         target_id=target_id, detail=detail, reason=reason)
        finally:
            engine.dispose()
