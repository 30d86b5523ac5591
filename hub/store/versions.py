"""The version pointer: which version readers see, incomplete versions, and pruning old ones.

A version is ``loading`` while its rows are written, ``published`` once the pointer names it,
``superseded`` when a newer one is published and ``pruned`` when its rows are gone (the row in
``versions`` stays as history). A ``loading`` version that is not the one being written belongs to
a publish that crashed; :func:`discard_incomplete` removes its rows.
"""

import os
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from schemas.store import VERSIONED_TABLES, published_version, versions

DEFAULT_KEEP_VERSIONS = 3


def keep_versions() -> int:
    """How many published versions to keep (``HUB_KEEP_VERSIONS``, default 3, at least 1)."""
    return max(1, int(os.environ.get("HUB_KEEP_VERSIONS") or DEFAULT_KEEP_VERSIONS))


def now() -> datetime:
    return datetime.now(UTC)


def current_version_id(conn: sa.Connection) -> int | None:
    """The published version readers see, or None before the first publish."""
    return conn.execute(
        sa.select(published_version.c.version_id).where(published_version.c.id == 1)
    ).scalar_one_or_none()


def built_from(version: sa.Row[Any] | None, fingerprint: str | None) -> bool:
    """The one rule for "unchanged since the published version": ``version`` (the published one,
    :func:`current_version`) was built from inputs with this fingerprint
    (:func:`hub.store.fingerprint.input_hash`)."""
    return version is not None and fingerprint is not None and version.input_hash == fingerprint


def current_version(conn: sa.Connection) -> sa.Row[Any] | None:
    """The ``versions`` row of the published version."""
    return conn.execute(
        sa.select(versions).join(
            published_version, published_version.c.version_id == versions.c.version_id
        )
    ).one_or_none()


def start_version(conn: sa.Connection, run_id: str, input_hash: str, config_version: str) -> int:
    """Reserve a new version id in state ``loading``."""
    result = conn.execute(
        versions.insert().values(
            run_id=run_id, status="loading", created_at=now(), input_hash=input_hash,
            config_version=config_version,
        )
    )
    return new_row_id(result)


def switch_to(conn: sa.Connection, version_id: int, counts_json: str) -> int | None:
    """Point readers at ``version_id``; returns the version it replaces. Call inside the
    transaction that ends the publish, so the switch and the history commit together."""
    at = now()
    if conn.dialect.name == "postgresql":
        conn.execute(sa.select(published_version).with_for_update())
    previous = current_version_id(conn)
    if previous is None:
        conn.execute(published_version.insert().values(id=1, version_id=version_id,
                                                       published_at=at))
    else:
        conn.execute(
            published_version.update().where(published_version.c.id == 1)
            .values(version_id=version_id, published_at=at)
        )
        conn.execute(
            versions.update().where(versions.c.version_id == previous)
            .values(status="superseded")
        )
    conn.execute(
        versions.update().where(versions.c.version_id == version_id)
        .values(status="published", published_at=at, counts=counts_json)
    )
    return previous


def delete_version_rows(conn: sa.Connection, version_ids: list[int]) -> None:
    for table in VERSIONED_TABLES:
        conn.execute(table.delete().where(table.c.version_id.in_(version_ids)))


def discard_incomplete(engine: sa.Engine, keep: int | None = None) -> list[int]:
    """Remove the rows of versions left ``loading`` by a crashed publish (except ``keep``)."""
    with engine.begin() as conn:
        query = sa.select(versions.c.version_id).where(versions.c.status == "loading")
        if keep is not None:
            query = query.where(versions.c.version_id != keep)
        stale: list[int] = list(conn.execute(query).scalars())
        if stale:
            delete_version_rows(conn, stale)
            conn.execute(
                versions.update().where(versions.c.version_id.in_(stale)).values(status="failed")
            )
    return stale


def prune(engine: sa.Engine, keep: int) -> list[int]:
    """Delete the rows of all but the newest ``keep`` published versions; returns pruned ids."""
    with engine.begin() as conn:
        kept: list[int] = list(
            conn.execute(
                sa.select(versions.c.version_id)
                .where(versions.c.status.in_(["published", "superseded"]))
                .order_by(versions.c.version_id.desc())
            ).scalars()
        )
        current = current_version_id(conn)
        old = [v for v in kept[keep:] if v != current]
        if old:
            delete_version_rows(conn, old)
            conn.execute(
                versions.update().where(versions.c.version_id.in_(old)).values(status="pruned")
            )
    return old


def live_version_ids(conn: sa.Connection) -> list[int]:
    """Versions whose rows are in the store (published or superseded), oldest first."""
    return list(
        conn.execute(
            sa.select(versions.c.version_id)
            .where(versions.c.status.in_(["published", "superseded"]))
            .order_by(versions.c.version_id)
        ).scalars()
    )


def new_row_id(result: sa.CursorResult[Any]) -> int:
    """The primary key of the one row an INSERT just added."""
    key = result.inserted_primary_key
    if key is None:
        raise RuntimeError("the insert returned no primary key")
    return int(key[0])
