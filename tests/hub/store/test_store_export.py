"""Snapshots and ``hub export`` hold the published version; queries read only that version."""

import json
from pathlib import Path

import pandas as pd
import pytest
import storefakes as fakes
from store_linking import link_and_publish
from typer.testing import CliRunner

from foundation.settings import Settings
from hub.cli import app
from hub.store import query


def test_export_and_snapshots_hold_the_published_version(store, tmp_path: Path) -> None:
    persons = fakes.persons_frame(fakes.people(8))
    snaps = tmp_path / "snapshots"
    link_and_publish(store, "run-1", persons, fakes.registrations_frame(persons), snapshots=snaps,
                     keep=1)
    grown = fakes.persons_frame(fakes.people(10))
    second = link_and_publish(store, "run-2", grown, fakes.registrations_frame(grown),
                              snapshots=snaps, keep=1)

    # keep=1: the first version and its snapshot are pruned.
    assert [p.name for p in snaps.iterdir()] == [f"v{second.version_id:06d}"]
    out = tmp_path / "export"
    from hub.store.snapshots import export_version

    counts = export_version(store, out)
    exported = pd.read_parquet(out / "source_records.parquet")
    snapshot = pd.read_parquet(snaps / f"v{second.version_id:06d}" / "source_records.parquet")
    manifest = json.loads((out / "manifest.json").read_text())

    assert manifest["version_id"] == second.version_id and counts["source_records"] == len(grown)
    assert sorted(exported.source_record_id) == sorted(grown.source_record_id)
    pd.testing.assert_frame_equal(exported, snapshot)
    assert not (out / "confidential_addresses.parquet").exists()
    assert exported.bsn.str.startswith("*******").all()  # masked by default
    secret = exported[exported.address_confidential]
    assert len(secret) and secret.street.isna().all()


def test_queries_read_the_published_version(store) -> None:
    persons = fakes.persons_frame(fakes.people(6))
    link_and_publish(store, "run-1", persons, fakes.registrations_frame(persons))
    with query.snapshot(store) as view:
        found = query.search_persons(view.conn, surname=persons.iloc[0].surname[:3].lower(),
                                     version_id=view.version_id)
        assert len(found)
        pid = found.iloc[0].person_id
        file = query.person(view.conn, view.version_id, pid)
        records, cases = file["records"], file["registrations"]
        homes = query.person_households(view.conn, pid)
        house = query.household(view.conn, view.version_id, homes.iloc[0].household_id)
    assert {r["person_id"] for r in records} == {pid} and len(cases) >= 1
    assert pid in {m["person_id"] for m in house["members"]}
    secret = persons[persons.address_confidential].iloc[0]
    with query.snapshot(store) as view:
        address = query.confidential_address(view.conn, view.version_id, secret.source,
                                             secret.source_record_id)
    assert address["street"] == secret.street


def test_export_command_writes_parquet(hub_settings: Settings, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from hub.store.engine import open_store

    engine = open_store(hub_settings.store_url)
    persons = fakes.persons_frame(fakes.people(4))
    link_and_publish(engine, "run-1", persons, fakes.registrations_frame(persons))
    engine.dispose()
    result = CliRunner().invoke(app, ["export", "--out", str(tmp_path / "out"), "--with-bsn",
                                      "--reason", "yearly delivery to the GGD"])
    assert result.exit_code == 0, result.output
    exported = pd.read_parquet(tmp_path / "out" / "persons.parquet")
    assert exported.bsn.str.fullmatch(r"\d{9}").all()
    status = CliRunner().invoke(app, ["store", "status"])
    assert status.exit_code == 0 and "version 1" in status.output
