"""The demo's partner services: the local JBRA API for REST partners without a configured URL.

Given to :func:`connectors.extract.extract_all` (``services=``) and used by the pipeline's
extraction asset, so that the connectors themselves know nothing of the demo.
"""

import contextlib
from collections.abc import Iterator

from connectors.config import HubConfig, PartnerConfig
from foundation.settings import Settings
from hub.demo.api_server import serve_jbra


@contextlib.contextmanager
def demo_services(config: HubConfig, settings: Settings,
                  keys: list[str] | None = None) -> Iterator[HubConfig]:
    """Start the local demo API for REST partners whose base URL is not configured.

    Yields the configuration with the live demo URL filled in; the server stops afterwards.
    """
    needed = [k for k in (keys or config.partners) if k in config.partners
              and config.partners[k].demo_api]
    if not needed:
        yield config
        return
    with contextlib.ExitStack() as stack:
        partners = dict(config.partners)
        for key in needed:
            p = partners[key]
            data_dir = settings.partner_systems / key
            url = stack.enter_context(serve_jbra(data_dir, p.connection.get("token"), port=0))
            partners[key] = PartnerConfig(key=p.key, name=p.name, kind=p.kind,
                                          connection={**p.connection, "base_url": str(url)},
                                          datasets=p.datasets, demo_api=False)
        yield HubConfig(scope=config.scope, partners=partners, path=config.path)
