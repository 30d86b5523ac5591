"""A publish killed with SIGKILL mid-load leaves the previous version published and whole."""

import os
import pickle
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import sqlalchemy as sa
import storefakes as fakes
from store_linking import link_and_publish
from test_store_publish import published

from hub.store.ids import previous_assignments
from hub.store.versions import current_version_id
from matching import link
from schemas.store import source_records, versions

CHILD = textwrap.dedent(
    """
    import pickle, sys, time
    from pathlib import Path
    import hub.store.bulk as bulk
    import hub.store.publish as publish_module
    from hub.store.engine import make_engine

    real_insert = bulk.insert_frame

    def insert_then_hang(conn, table, frame, **constants):
        rows = real_insert(conn, table, frame, **constants)
        if table.name == "persons":  # mid-load: some tables written, the pointer not switched
            Path({flag!r}).write_text("loading")
            time.sleep(600)
        return rows

    publish_module.insert_frame = insert_then_hang
    persons, registrations, result = pickle.loads(Path({inputs!r}).read_bytes())
    publish_module.publish(make_engine({url!r}), "run-killed", persons, registrations, result)
    """
)


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
    inputs = tmp_path / "inputs.pickle"
    inputs.write_bytes(pickle.dumps((grown, grown_registrations, linked)))
    flag = tmp_path / "loading.flag"
    script = CHILD.format(inputs=str(inputs), flag=str(flag), url=store_url)
    child = subprocess.Popen([sys.executable, "-c", script], cwd=Path(__file__).parents[3],
                             start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not flag.exists():
            assert child.poll() is None, "the publishing process ended before it was killed"
            assert time.monotonic() < deadline, "the publishing process never reached mid-load"
            time.sleep(0.1)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    assert child.returncode == -signal.SIGKILL

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
