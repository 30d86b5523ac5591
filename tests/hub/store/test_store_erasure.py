"""Erasure removes every trace of the erased record's values, and records itself without them."""

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa
import storefakes as fakes
from store_linking import link_and_publish

from connectors.staging import read_staging, write_staging
from foundation.quarantine import write_quarantine
from foundation.settings import Settings
from hub.store.erasure import criterion
from pipelines.erasure import erase_everywhere as erase
from schemas.store import erasures, metadata, runs

SECRET_SURNAME = "Zwaluwstaartje"
SECRET_FIRST = "Quirijntje"
SECRET_STREET = "Geheimehofje"


def _stage(settings: Settings, persons: pd.DataFrame, registrations: pd.DataFrame) -> None:
    for source in persons.source.unique():
        write_staging(settings, source, "persons", persons[persons.source == source], replace=True)
    for source in registrations.source.unique():
        write_staging(settings, source, "registrations",
                      registrations[registrations.source == source], replace=True)


def _inputs(settings: Settings) -> tuple[pd.DataFrame, pd.DataFrame]:
    return (pd.concat([read_staging(settings, s, "persons") for s in fakes.SOURCES]),
            pd.concat([read_staging(settings, s, "registrations") for s in fakes.SOURCES]))


def _secret_person() -> pd.DataFrame:
    """A person only Veilig Thuis knows, with values found nowhere else."""
    row = fakes.persons_frame(fakes.people(1), sources=["veilig_thuis"]).iloc[[0]].copy()
    row["source_record_id"] = "VT-ERASE-ME"
    row["first_names"], row["surname"], row["street"] = SECRET_FIRST, SECRET_SURNAME, SECRET_STREET
    row["bsn"] = fakes.valid_bsn(987_654)
    row["birth_date"], row["source_household_ref"] = "1961-02-03", "vt-erase"
    row["origin"], row["content_hash"] = "veilig_thuis/meldingen-2019.csv", "secret"
    return row


def _all_text(engine: sa.Engine) -> str:
    """Every value of every store table, as one text (to search for traces)."""
    parts = []
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            for row in conn.execute(sa.select(table)):
                parts.append(json.dumps([str(v) for v in row]))
    return "\n".join(parts)


def _files_text(root: Path) -> str:
    parts = []
    for path in root.rglob("*.parquet"):
        parts.append(pq.read_table(path).to_pandas().astype("str").to_csv())
    return "\n".join(parts)


def test_erasing_a_record_leaves_no_trace_of_its_values(store, store_url: str,
                                                        hub_settings: Settings) -> None:
    persons = fakes.persons_frame(fakes.people(12))
    secret = _secret_person()
    persons = pd.concat([persons, secret], ignore_index=True)
    registrations = fakes.registrations_frame(persons)
    _stage(hub_settings, persons, registrations)
    bad = secret.assign(origin_row=99).drop(columns=["extracted_at"])
    write_quarantine(hub_settings.quarantine, "veilig_thuis", "run-1", "validate", pd.DataFrame({
        "dataset": ["persons"], "origin": ["meldingen-2019.csv"], "origin_row": [99],
        "source_record_id": ["VT-ERASE-ME"], "rule": ["expect_bsn"], "field": ["bsn"],
        "reason": ["invalid"], "severity": ["row"],
        "record": [bad.iloc[0].to_json()]}))
    from foundation.quarantine import read_quarantine

    link_and_publish(store, "run-1", *_inputs(hub_settings), snapshots=hub_settings.snapshots,
                     quarantined=read_quarantine(hub_settings.quarantine))
    # A second, different version so the record lives in two versions and two snapshots.
    grown = pd.concat([persons, fakes.persons_frame(fakes.people(14)[-3:])], ignore_index=True)
    grown = grown.drop_duplicates(["source", "source_record_id"])
    _stage(hub_settings, grown, fakes.registrations_frame(grown))
    link_and_publish(store, "run-2", *_inputs(hub_settings), snapshots=hub_settings.snapshots)
    assert SECRET_SURNAME in _all_text(store)
    assert SECRET_SURNAME in _files_text(hub_settings.home)

    result = erase(hub_settings, store, criterion("veilig_thuis", ["VT-ERASE-ME"]),
                   reason="bewaartermijn verstreken", erased_by="steward")

    assert result.record_ids == ["VT-ERASE-ME"]
    assert result.removed["source_records"] == 2  # both versions
    for value in (SECRET_SURNAME, SECRET_FIRST, SECRET_STREET, secret.iloc[0].bsn):
        assert value not in _all_text(store)
        assert value not in _files_text(hub_settings.home)
    if store.dialect.name == "sqlite":
        database = Path(sa.make_url(store_url).database)
        raw = b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))
        assert SECRET_SURNAME.encode() not in raw and SECRET_FIRST.encode() not in raw
    with store.connect() as conn:
        logged = conn.execute(sa.select(erasures)).one()
        run = conn.execute(sa.select(runs).where(runs.c.run_id == result.run_id)).one()
    assert json.loads(logged.record_ids) == ["VT-ERASE-ME"]
    assert logged.reason == "bewaartermijn verstreken" and run.kind == "erasure"
    # The other records are untouched and the next run publishes what remains.
    after = link_and_publish(store, "run-3", *_inputs(hub_settings))
    assert after.status == "published"
    assert len(read_staging(hub_settings, "veilig_thuis", "persons")) == (
        (grown.source == "veilig_thuis").sum() - 1)


def test_retention_erases_everything_extracted_before_a_date(store,
                                                             hub_settings: Settings) -> None:
    persons = fakes.persons_frame(fakes.people(10))
    old = persons.source == "rvdk"
    persons.loc[old, "extracted_at"] = pd.Timestamp("2019-05-01", tz="UTC")
    registrations = fakes.registrations_frame(persons)
    registrations.loc[registrations.source == "rvdk", "extracted_at"] = pd.Timestamp(
        "2019-05-01", tz="UTC")
    _stage(hub_settings, persons, registrations)
    link_and_publish(store, "run-1", *_inputs(hub_settings), snapshots=hub_settings.snapshots)

    result = erase(hub_settings, store, criterion("rvdk", before=date(2020, 1, 1)),
                   reason="retention")

    assert sorted(result.record_ids) == sorted(persons.loc[old, "source_record_id"])
    assert len(result.case_ids) == (registrations.source == "rvdk").sum()
    with store.connect() as conn:
        left = conn.execute(sa.text(
            "SELECT count(*) FROM source_records WHERE source = 'rvdk'")).scalar_one()
        golden = conn.execute(sa.text("SELECT sources, bsn_from, name_from FROM persons")).all()
    assert left == 0
    assert all("rvdk" not in (g.sources + (g.bsn_from or "") + (g.name_from or ""))
               for g in golden)
    snapshot = next(hub_settings.snapshots.glob("v*"))
    records = pd.read_parquet(snapshot / "source_records.parquet")
    assert "rvdk" not in set(records.source)


def test_erase_needs_exactly_one_criterion() -> None:
    from foundation.errors import StoreError

    with pytest.raises(StoreError):
        criterion("rvdk")
    with pytest.raises(StoreError):
        criterion("rvdk", ["R1"], before=date(2020, 1, 1))
