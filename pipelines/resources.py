"""The one resource every asset uses: where the hub's data lives.

Empty fields mean "from the environment" (``HUB_HOME``, ``HUB_STORE_URL``,
``HUB_PARTNERS_CONFIG``, see :mod:`foundation.settings`), resolved when a step runs, so the same
definitions serve the UI, ``hub run`` and tests with their own temporary homes.
"""

from pathlib import Path

import dagster as dg

from foundation.settings import Settings, get_settings


class HubResource(dg.ConfigurableResource):
    """Locations of staging, quarantine, linking results and the merged store."""

    home: str = ""
    store_url: str = ""
    partners_config: str = ""

    def settings(self) -> Settings:
        """Resolve the settings now: explicit fields first, then the environment."""
        base = get_settings(self.home or None)
        return Settings(
            home=base.home,
            partners_config=Path(self.partners_config) if self.partners_config
            else base.partners_config,
            store_url=self.store_url or base.store_url,
        )
