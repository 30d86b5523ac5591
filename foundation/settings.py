"""Where the hub keeps its data and state, from environment variables with safe local defaults.

Everything lives under one folder, ``HUB_HOME`` (default ``./var``), so a demo or a test run is one
folder to inspect or delete. Secrets never live here: they come from environment variables named in
the partner configuration.
"""

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    """Resolved locations. Build with :func:`get_settings`; pass explicitly in tests."""

    home: Path
    partners_config: Path
    store_url: str

    @property
    def partner_systems(self) -> Path:
        """Demo partner systems (files, SQLite databases) made by ``hub demo-data``."""
        return self.home / "partners"

    @property
    def staging(self) -> Path:
        """Canonical staging Parquet, one folder per partner."""
        return self.home / "staging"

    @property
    def quarantine(self) -> Path:
        """Quarantined rows and files with their reasons, one folder per partner."""
        return self.home / "quarantine"

    @property
    def state(self) -> Path:
        """Connector state: watermarks and processed file hashes."""
        return self.home / "state"

    @property
    def snapshots(self) -> Path:
        """Parquet snapshots of each published version, for analysts."""
        return self.home / "snapshots"

    @property
    def data_docs(self) -> Path:
        """Great Expectations Data Docs, rebuilt per run."""
        return self.home / "data_docs"

    @property
    def dagster_home(self) -> Path:
        return self.home / "dagster"

    @property
    def validated(self) -> Path:
        """The pipeline's hand-over after validation: each partner's last good rows."""
        return self.home / "validated"

    @property
    def validation(self) -> Path:
        """Each partner's last validation verdicts (rule names and row positions, no values)."""
        return self.home / "validation"

    @property
    def linking(self) -> Path:
        """The pipeline's hand-over after linking: the last linking result."""
        return self.home / "linking"

    @property
    def pipeline_status(self) -> Path:
        """Each partner's latest extraction and validation attempt (times and outcome only)."""
        return self.home / "pipeline" / "status"


def get_settings(home: str | Path | None = None) -> Settings:
    """Resolve settings from arguments, then environment, then defaults."""
    root = Path(home or os.environ.get("HUB_HOME") or PROJECT_ROOT / "var").resolve()
    config = Path(
        os.environ.get("HUB_PARTNERS_CONFIG") or PROJECT_ROOT / "connectors" / "partners.yaml"
    )
    store_url = os.environ.get("HUB_STORE_URL") or f"sqlite:///{root / 'store' / 'hub.sqlite'}"
    return Settings(home=root, partners_config=config, store_url=store_url)
