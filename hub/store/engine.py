"""Engines for the merged store and its migrations (SQLite file by default, PostgreSQL by URL).

SQLite runs in WAL mode so readers (the web app) keep reading the published version while a publish
writes the next one; a busy timeout makes short write collisions wait instead of fail.
"""

from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine.interfaces import DBAPIConnection, DBAPICursor

from foundation.errors import StoreError

SCHEMAS_DIR = Path(__file__).resolve().parent.parent.parent / "schemas"
ALEMBIC_INI = SCHEMAS_DIR / "alembic.ini"
SQLITE_BUSY_TIMEOUT_MS = 30_000
SQLITE_CACHE_KIB = 131_072
"""128 MB page cache per connection (a publish raises its own while loading)."""


def make_engine(url: str) -> sa.Engine:
    """Create an engine for ``url``; for SQLite also create the folder and set WAL mode."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(url, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: DBAPIConnection, _record: object) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        cursor.close()

    return engine


def alembic_config() -> Config:
    """The Alembic configuration of the store (schemas/alembic.ini)."""
    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(SCHEMAS_DIR / "migrations"))
    return config


def upgrade(url: str) -> None:
    """Bring the store at ``url`` to the newest schema (creates it when empty)."""
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "heads")
    finally:
        engine.dispose()


def head_revisions() -> set[str]:
    """The newest revisions the code knows."""
    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


def current_revisions(engine: sa.Engine) -> set[str]:
    """The revisions the database at ``engine`` is at (empty for a new database)."""
    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


@lru_cache(maxsize=8)
def _upgraded(url: str) -> bool:
    upgrade(url)
    return True


def open_store(url: str) -> sa.Engine:
    """Upgrade the store at ``url`` once per process and return an engine for it."""
    _upgraded(url)
    return make_engine(url)


def require_current(engine: sa.Engine) -> None:
    """Raise :class:`StoreError` when the database is behind the code's migrations."""
    missing = head_revisions() - current_revisions(engine)
    if missing:
        raise StoreError(
            f"the store is not at the newest schema (missing {', '.join(sorted(missing))}); "
            "run `hub store upgrade`",
            origin=engine.url.render_as_string(hide_password=True),
        )


def driver_cursor(conn: sa.Connection) -> DBAPICursor:
    """The database driver's own cursor on ``conn`` (COPY, ``executemany`` and streaming reads:
    a million rows through SQLAlchemy's result objects cost seconds)."""
    raw = conn.connection.dbapi_connection
    if raw is None:
        raise RuntimeError("the store connection is closed")
    return raw.cursor()
