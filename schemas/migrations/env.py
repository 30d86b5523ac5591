"""Alembic environment of the merged store.

Reads the one shared ``schemas.store.metadata`` (and ``schemas.access`` when the web app's tables
exist). The connection comes from ``config.attributes["connection"]`` when
:func:`hub.store.engine.upgrade` runs us, otherwise from ``sqlalchemy.url`` or the hub settings.
"""

import importlib.util

import sqlalchemy as sa
from alembic import context

from schemas.store import metadata

if importlib.util.find_spec("schemas.access") is not None:
    importlib.import_module("schemas.access")
importlib.import_module("schemas.guides")

config = context.config
target_metadata = metadata


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from foundation.settings import get_settings

    return get_settings().store_url


def _run(connection: sa.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    """Emit SQL to stdout instead of running it (``alembic upgrade head --sql``)."""
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = sa.create_engine(_url(), poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
