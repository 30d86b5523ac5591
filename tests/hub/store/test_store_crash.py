"""A publish killed with SIGKILL mid-load leaves the previous version published and whole."""

from pathlib import Path

import sqlalchemy as sa
import storefakes as fakes
from store_crash import killed_midway
from store_linking import link_and_publish
from test_store_publish import published

from hub.store.ids import previous_assignments
from hub.store.versions import current_version_id
from matching import link
from schemas.store import source_records, versions


def test_sigkill_during_publish_keeps_previous_version(store, store_url: str,
                                                      tmp_path: Path) -> None:
    persons = fakes.persons_frame(fakes.people(25))
    link_and_publish(store, "run-1", persons, fakes.registrations_frame(persons))
    before = published(store)
    with store.connect() as conn:
        first = current_version_id(conn)

    # The next run's inputs, linked here so the child process only publishes.
    grown = fakes.persons_frame(fakes.people(30))
    grown_registrations = fakes.registrations_frame(grown)
    linked = link(grown, previous=previous_assignments(store))
    killed_midway("hub.store.publish", "publish", "run-killed",
                  (grown, grown_registrations, linked), store_url, tmp_path)

    with store.connect() as conn:
        assert current_version_id(conn) == first
        statuses = dict(conn.execute(sa.select(versions.c.version_id, versions.c.status)).all())
    assert published(store) == before
    assert sorted(statuses.values()) == ["loading", "published"]

    # The next publish cleans up the orphaned rows and publishes normally.
    result = link_and_publish(store, "run-3", grown, grown_registrations)
    with store.connect() as conn:
        orphan = [v for v, s in statuses.items() if s == "loading"][0]
        left = conn.execute(sa.select(sa.func.count()).select_from(source_records)
                            .where(source_records.c.version_id == orphan)).scalar_one()
        status = conn.execute(sa.select(versions.c.status)
                              .where(versions.c.version_id == orphan)).scalar_one()
    assert result.status == "published" and result.version_id not in (first, orphan)
    assert left == 0 and status == "failed"
