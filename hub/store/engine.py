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


DRIVERS = {"postgresql": "postgresql+psycopg2", "mysql": "mysql+pymysql",
           "mariadb": "mariadb+pymysql"}
"""The driver to name in a store URL per database (the ones installed with the hub)."""


def parse_url(url: str) -> sa.URL:
    """Parse a store URL, refusing one without a named driver (a clear error, not a traceback).

    SQLAlchemy 2.1 reads a bare ``postgresql://`` as psycopg 3, which the hub does not install;
    naming the driver makes the choice explicit.
    """
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError:
        raise StoreError("the store URL is not a database URL (e.g. "
                         "sqlite:///var/store/hub.sqlite or postgresql+psycopg2://user@host/db)",
                         field="HUB_STORE_URL") from None
    backend = parsed.get_backend_name()
    if backend in DRIVERS and "+" not in parsed.drivername:
        raise StoreError(f"name the database driver in the store URL: {DRIVERS[backend]}://... "
                         f"instead of {parsed.drivername}://...", field="HUB_STORE_URL")
    if backend != "sqlite" and backend not in DRIVERS:
        raise StoreError(f"unsupported database {backend!r} in the store URL (sqlite, "
                         "postgresql+psycopg2 or mysql+pymysql)", field="HUB_STORE_URL")
    return parsed


def make_engine(url: str, create: bool = True) -> sa.Engine:
    """Create an engine for ``url``; for SQLite also create the folder and set WAL mode.

    With ``create=False`` (commands that only read) a missing SQLite file is a
    :class:`StoreError` instead of a new, empty database and folder.
    """
    parsed = parse_url(url)
    if parsed.get_backend_name() != "sqlite":
        try:
            return sa.create_engine(url, pool_pre_ping=True)
        except sa.exc.NoSuchModuleError:
            raise StoreError(f"unknown database driver {parsed.drivername!r} in the store URL; "
                             f"use {DRIVERS.get(parsed.get_backend_name(), 'a supported one')}",
                             field="HUB_STORE_URL") from None
        except ImportError as exc:
            raise StoreError(f"the database driver is not installed ({exc.name}); use "
                             f"{DRIVERS.get(parsed.get_backend_name(), 'a supported driver')}",
                             field="HUB_STORE_URL") from None
    if parsed.database and parsed.database != ":memory:":
        if not create and not Path(parsed.database).is_file():
            raise StoreError("there is no store here yet: run `hub store upgrade` or `hub run` "
                             "first", origin=parsed.database)
        if create:
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


def upgrade(url: str, revision: str = "heads") -> None:
    """Bring the store at ``url`` to the newest schema, or to ``revision`` (creates it when
    empty)."""
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
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
    parse_url(url)
    try:
        _upgraded(url)
    except sa.exc.OperationalError as exc:
        raise StoreError(f"cannot open the store: {str(exc.orig).strip().splitlines()[0]}",
                         origin=sa.make_url(url).render_as_string(hide_password=True)) from None
    return make_engine(url)


def open_existing(url: str) -> sa.Engine:
    """An engine on a store that must already exist and be current; creates nothing.

    For commands that only read (``hub store status``, ``hub audit verify``, ``hub export``).
    """
    engine = make_engine(url, create=False)
    try:
        require_current(engine)
    except sa.exc.OperationalError as exc:
        engine.dispose()
        raise StoreError(f"cannot open the store: {str(exc.orig).strip().splitlines()[0]}",
                         origin=engine.url.render_as_string(hide_password=True)) from None
    except StoreError:
        engine.dispose()
        raise
    return engine


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
