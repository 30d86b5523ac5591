"""``hub paths``: where this installation keeps its data, state and store."""

import typer

from foundation.settings import get_settings
from hub.console import console


def paths() -> None:
    """Show where data, state and the merged store live (set HUB_HOME to move them)."""
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
    }
    for name, value in rows.items():
        console.print(f"{name:38} {value}")


def register(app: typer.Typer) -> None:
    app.command("paths")(paths)
