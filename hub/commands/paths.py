"""``hub paths``: where this installation keeps its data, state and store."""

import os

import typer

from foundation.settings import get_settings
from hub.console import console


def paths() -> None:
    """Show where data, state and the merged store live (set HUB_HOME to move them)."""
    from hub.access.audit_anchor import anchor_root
    from hub.access.audit_key import ENV_KEY, key_path

    s = get_settings()
    rows = {
        "home (HUB_HOME)": s.home,
        "partner config (HUB_PARTNERS_CONFIG)": s.partners_config,
        "store (HUB_STORE_URL)": s.store_url,
        "demo partner systems": s.partner_systems,
        "staging": s.staging,
        "quarantine": s.quarantine,
        "connector state": s.state,
        "snapshots": s.snapshots,
        "data docs": s.data_docs,
        "dagster home": s.dagster_home,
        "audit key (HUB_AUDIT_KEY_FILE)": "HUB_AUDIT_KEY is set" if os.environ.get(ENV_KEY)
        else key_path(),
        "audit heads (HUB_AUDIT_ANCHOR_DIR)": anchor_root(),
    }
    for name, value in rows.items():
        console.print(f"{name:38} {value}")


def register(app: typer.Typer) -> None:
    app.command("paths")(paths)
