"""The merged store as the commands open it."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlalchemy as sa


def store_engine() -> "sa.Engine":
    """The store at ``HUB_STORE_URL``; imported lazily to keep ``hub --help`` fast."""
    from foundation.settings import get_settings
    from hub.store.engine import open_store

    return open_store(get_settings().store_url)
