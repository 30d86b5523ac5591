"""`hub erase` refuses what it cannot do and reaches every copy (issue 16, sections 2 and 5)."""

import json
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa
import storefakes as fakes
from store_linking import link_and_publish
from test_store_erasure import SECRET_SURNAME, _inputs, _secret_person, _stage
from typer.testing import CliRunner

from foundation.quarantine import read_quarantine, write_quarantine
from foundation.settings import Settings
from hub.cli import app
from hub.store.erasure import criterion
from pipelines.erasure import erase_everywhere
from pipelines.validation import rows_path
from schemas.store import erasures, quarantine, runs, versions

runner = CliRunner()
CASE = "CASE-vt-erase"


@pytest.fixture
def published(store, store_url: str, hub_settings: Settings,
              monkeypatch: pytest.MonkeyPatch) -> sa.Engine:
    """A published store with the secret person, a validation quarantine row of its case, a
    snapshot, and the CLI pointed at it."""
    monkeypatch.setenv("HUB_STORE_URL", store_url)
    monkeypatch.setenv("HUB_DEMO", "1")
    persons = pd.concat([fakes.persons_frame(fakes.people(8)), _secret_person()],
                        ignore_index=True)
    _stage(hub_settings, persons, fakes.registrations_frame(persons))
    write_quarantine(hub_settings.quarantine, "veilig_thuis", "run-1", "validate", pd.DataFrame({
        "dataset": ["registrations"], "origin": ["meldingen-2019.csv"], "origin_row": [7],
        "source_record_id": [CASE], "rule": ["expect_case_type"], "field": ["case_type"],
        "reason": ["unknown case type"], "severity": ["row"],
        "record": [json.dumps({"case_id": CASE, "note": SECRET_SURNAME})]}))
    link_and_publish(store, "run-1", *_inputs(hub_settings), snapshots=hub_settings.snapshots,
                     quarantined=read_quarantine(hub_settings.quarantine))
    return store


def _counts(engine: sa.Engine) -> tuple[int, int, int]:
    with engine.connect() as conn:
        return (conn.execute(sa.select(sa.func.count()).select_from(erasures)).scalar_one(),
                conn.execute(sa.select(sa.func.count()).select_from(runs)
                             .where(runs.c.kind == "erasure")).scalar_one(),
                conn.execute(sa.select(sa.func.count()).select_from(versions)
                             .where(versions.c.input_hash.is_(None))).scalar_one())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--source", "foo", "--before", "2020-01-01"], "unknown partner"),
        (["--source", "veilig_thuis", "--record", "NO-SUCH-ID"], "not held anywhere"),
        (["--source", "veilig_thuis", "--record", "VT-ERASE-ME", "--record", "NOPE"],
         "not held anywhere"),
        (["--source", "veilig_thuis", "--before", "2020-02-31"], "2020-02-31"),
        (["--source", "veilig_thuis", "--before", "2999-01-01"], "in the future"),
        (["--source", "veilig_thuis", "--origin", "no-such-file.csv"], "no record or case"),
        (["--source", "veilig_thuis"], "exactly one"),
    ],
    ids=["unknown-partner", "unknown-record", "one-unknown-record", "impossible-date",
         "future-date", "unknown-origin", "no-criterion"],
)
def test_wrong_erase_requests_exit_2_and_change_nothing(published: sa.Engine, args: list[str],
                                                        message: str) -> None:
    before = _counts(published)
    result = runner.invoke(app, ["erase", *args, "--yes"])
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())
    assert _counts(published) == before


def test_erasure_reaches_leftovers_archive_and_the_case_quarantine_row(
        published: sa.Engine, hub_settings: Settings) -> None:
    # A publish killed with -9 left its temporary snapshot folder behind.
    leftover = hub_settings.snapshots / ".v000099.tmp"
    leftover.mkdir(parents=True)
    pq.write_table(pq.read_table(next(hub_settings.snapshots.glob("v*/source_records.parquet"))),
                   leftover / "source_records.parquet")
    # The archive of processed drop files keeps the delivery as the partner sent it.
    archive = hub_settings.partner_systems / "veilig_thuis" / "archive"
    archive.mkdir(parents=True)
    delivered = ("Persoonsnummer;Meldingnummer;Achternaam\r\n"
                 f"VT-ERASE-ME;M-1;{SECRET_SURNAME}\r\nVT-KEEP;M-2;Jansen\r\n")
    for name in ("VT_export_2019.csv", "VT_export_2019.0123456789ab.csv"):
        (archive / name).write_bytes(delivered.encode("cp1252"))
    rejected = archive.parent / "rejected"  # rejected whole (say, a column missing) yet readable
    rejected.mkdir()
    (rejected / "VT_export_2020.csv").write_bytes(delivered.encode("cp1252"))
    (rejected / "VT_export_2021.csv").write_bytes(b"\x00\xff binary \x00")

    # The validation's kept row verdicts name rows by content hash (a pseudonym of the record).
    kept = {p: rows_path(hub_settings, p, "persons") for p in ("veilig_thuis", "rvdk")}
    for path in kept.values():
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.table({"content_hash": ["0" * 64]}), path)

    result = erase_everywhere(hub_settings, published, criterion("veilig_thuis", ["VT-ERASE-ME"]))

    assert not kept["veilig_thuis"].exists() and kept["rvdk"].exists()
    assert CASE in result.case_ids
    assert not leftover.exists()
    for name in ("VT_export_2019.csv", "VT_export_2019.0123456789ab.csv"):
        text = (archive / name).read_bytes().decode("cp1252")
        assert SECRET_SURNAME not in text and "VT-KEEP;M-2;Jansen" in text
    assert SECRET_SURNAME not in (rejected / "VT_export_2020.csv").read_bytes().decode("cp1252")
    assert result.removed["archive"] == 3
    assert read_quarantine(hub_settings.quarantine, "veilig_thuis").empty
    with published.connect() as conn:
        held = conn.execute(sa.select(quarantine.c.record)).scalars().all()
    assert not any(SECRET_SURNAME in (r or "") for r in held)


def test_the_next_publish_removes_leftover_snapshot_folders(published: sa.Engine,
                                                           hub_settings: Settings) -> None:
    leftover = hub_settings.snapshots / ".v000042.tmp"
    leftover.mkdir(parents=True)
    (leftover / "persons.parquet").write_bytes(b"half written")
    same = link_and_publish(published, "run-2", *_inputs(hub_settings),
                            snapshots=hub_settings.snapshots)
    assert same.status == "unchanged" and not leftover.exists()  # even when nothing changed
    leftover.mkdir(parents=True)
    persons = pd.concat([fakes.persons_frame(fakes.people(9))], ignore_index=True)
    _stage(hub_settings, persons, fakes.registrations_frame(persons))
    link_and_publish(published, "run-3", *_inputs(hub_settings),
                     snapshots=hub_settings.snapshots)
    assert not leftover.exists()


def test_erased_person_is_not_found_by_the_running_web_app_at_once(
        published: sa.Engine, hub_settings: Settings) -> None:
    from hub.web.search.index import Query
    from hub.web.search.service import SearchService

    service = SearchService(published, check_seconds=3600)
    service.start()
    assert service.search(Query(name=f"Quirijntje {SECRET_SURNAME}")).total >= 1
    erase_everywhere(hub_settings, published, criterion("veilig_thuis", ["VT-ERASE-ME"]))
    started = time.monotonic()
    assert service.search(Query(name=f"Quirijntje {SECRET_SURNAME}")).total == 0
    assert time.monotonic() - started < 10


def test_export_of_a_version_not_kept_is_a_message(published: sa.Engine,
                                                   tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", "--version", "99", "--out", str(tmp_path / "x")])
    assert result.exit_code == 2, result.output
    assert "version 99 is not kept" in " ".join(result.output.split())
    assert not (tmp_path / "x").exists()


def test_bulk_reads_from_the_command_line_are_audited(published: sa.Engine,
                                                      tmp_path: Path) -> None:
    from hub.access import audit

    no_reason = runner.invoke(app, ["export", "--out", str(tmp_path / "a"), "--with-bsn"])
    assert no_reason.exit_code == 2 and "--reason" in no_reason.output
    assert not (tmp_path / "a").exists()
    done = runner.invoke(app, ["export", "--out", str(tmp_path / "b"), "--with-bsn",
                               "--reason", "jaarlijkse aanlevering aan de GGD"])
    assert done.exit_code == 0, done.output
    listed = runner.invoke(app, ["quarantine", "list", "--records"])
    assert listed.exit_code == 0, listed.output
    entries = {e.action: e for e in audit.iter_entries(published)}
    assert entries["export"].actor.startswith("cli:")
    assert entries["export"].reason == "jaarlijkse aanlevering aan de GGD"
    assert '"with_bsn":true' in entries["export"].detail
    assert '"rows":1' in entries["quarantine_records"].detail
    assert audit.verify(published).ok
