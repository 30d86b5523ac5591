"""The partners the pipeline builds assets for, read from the partner configuration.

Adding a partner is a YAML block in ``connectors/partners.yaml``: the asset factory, the jobs and
the drop-folder sensor all iterate over this catalogue, so no pipeline code changes.
"""

from dataclasses import dataclass
from pathlib import Path

from connectors.config import HubConfig, load_config
from hub.settings import Settings, get_settings


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


def load_catalog(settings: Settings | None = None) -> list[PartnerEntry]:
    """The catalogue for the current settings (``HUB_PARTNERS_CONFIG``, ``HUB_HOME``)."""
    settings = settings or get_settings()
    return catalog_from_config(load_config(settings))
