"""The partners the pipeline builds assets for, read from the partner configuration.

Adding a partner is a YAML block in ``connectors/partners.yaml``: the asset factory, the jobs and
the drop-folder sensor all iterate over this catalogue, so no pipeline code changes.
"""

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from connectors.config import HubConfig, load_config
from foundation.settings import Settings, get_settings


@dataclass(frozen=True)
class PartnerEntry:
    """What the pipeline needs to know about a partner to build and trigger its assets."""

    key: str
    name: str
    kind: str
    drop_folder: Path | None
    """The inbox of a ``files`` partner (the sensor watches it); None for sql and rest."""


def catalog_from_config(config: HubConfig) -> list[PartnerEntry]:
    """One entry per configured partner, in the configuration's order."""
    entries = []
    for partner in config.partners.values():
        folder = partner.connection.get("folder") if partner.kind == "files" else None
        entries.append(
            PartnerEntry(
                key=partner.key,
                name=partner.name,
                kind=partner.kind,
                drop_folder=Path(folder) if folder else None,
            )
        )
    return entries


@lru_cache(maxsize=8)
def _parsed(settings: Settings, stamp: tuple[int, int], environ: tuple[tuple[str, str], ...]
            ) -> HubConfig:
    return load_config(settings, environ=dict(environ))


def hub_config(settings: Settings | None = None) -> HubConfig:
    """The partner configuration, parsed once per file version, home and environment.

    A run reads it in many places (every asset, the definitions); parsing the YAML each time
    costs seconds on a busy machine. A changed file (mtime, size) or environment is read anew.
    """
    settings = settings or get_settings()
    path = Path(settings.partners_config)
    stat = path.stat() if path.exists() else None
    stamp = (stat.st_mtime_ns, stat.st_size) if stat else (0, 0)
    if stat is None:
        return load_config(settings)  # raises the ConfigError naming the missing file
    return _parsed(settings, stamp, tuple(sorted(os.environ.items())))


def load_catalog(settings: Settings | None = None) -> list[PartnerEntry]:
    """The catalogue for the current settings (``HUB_PARTNERS_CONFIG``, ``HUB_HOME``)."""
    return catalog_from_config(hub_config(settings))
