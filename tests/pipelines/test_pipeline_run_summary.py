"""``hub run``'s summary tells the truth (issue 16, 2): a delivery rejected whole shows
``rejected`` with file and reason and the run exits non-zero; both stages' quarantine is shown;
without a terminal the phases are printed; with no partner data nothing empty is published."""

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from foundation.privacy import IDENTIFIER_FIELDS
from hub.cli import app

ROW = re.compile(r"^\s*(\w+)\s+(\w+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$")


def _rows(output: str) -> dict[str, tuple]:
    return {m.group(1): (m.group(2), *map(int, m.groups()[2:]))
            for m in (ROW.match(line.replace("│", " ")) for line in output.splitlines()) if m}


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """Summary tables 300 columns wide, whatever other tests did to the shared console."""
    from hub.console import console, err_console

    for target in (console, err_console):
        monkeypatch.setattr(target, "_width", 300)


def test_rejected_delivery_and_both_quarantine_stages_are_on_screen(demo_home: Path) -> None:
    inbox = demo_home / "partners" / "veilig_thuis" / "inbox"
    (inbox / "VT_export_20991231.csv").write_bytes(b"\x00\x01PK\x03\x04 binary")
    result = CliRunner().invoke(app, ["run"], env={"COLUMNS": "200"})
    assert result.exit_code == 1, result.output
    rows = _rows(result.output)
    assert "veilig_thuis" in rows, result.output
    assert rows["veilig_thuis"][0] == "rejected"
    assert "VT_export_20991231.csv" in result.output and "binary" in result.output
    assert "hub run: extracting" in result.output  # phases printed without a terminal
    for partner, (_status, read, staged, held, out, *_validated) in rows.items():
        assert read == staged + held + out, partner
    assert sum(row[5] for row in rows.values()) > 0  # validation quarantine is shown
    assert "version" in result.output  # the other partners were still published
    _store_and_files_hold_no_clear_secret(demo_home)


def _store_and_files_hold_no_clear_secret(home: Path) -> None:
    """Issue 16: the store's quarantine copy is masked, shelter addresses still reach their own
    table, and every file the run wrote is owner-only."""
    import stat

    import sqlalchemy as sa

    engine = sa.create_engine(f"sqlite:///{home / 'store' / 'hub.sqlite'}")
    with engine.connect() as conn:
        records = conn.execute(sa.text("SELECT record FROM quarantine")).scalars().all()
        secrets = conn.execute(sa.text("SELECT count(*) FROM confidential_addresses")).scalar()
    engine.dispose()
    values = [str(v) for r in records if r for k, v in json.loads(r).items()
              if k not in IDENTIFIER_FIELDS]
    assert values and not [v for v in values if re.search(r"(?<!\d)\d{9}(?!\d)", v)]
    assert secrets > 0
    for item in home.rglob("*"):
        if item.relative_to(home).parts[0] == "partners":
            continue
        assert stat.S_IMODE(item.stat().st_mode) & 0o077 == 0, item


def test_run_without_any_partner_data_publishes_nothing(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUB_HOME", str(tmp_path / "hub"))
    monkeypatch.setenv("HUB_EXTRACT_RETRIES", "0")
    for name in ("HUB_STORE_URL", "HUB_PARTNERS_CONFIG", "JBRA_API_URL", "RVDK_DB_URL",
                 "LDH_DB_URL", "DAGSTER_HOME"):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(app, ["run"], env={"COLUMNS": "200"})
    assert result.exit_code == 1, result.output
    assert "its last good data stays" not in result.output
    assert "no earlier data" in result.output and "nothing published" in result.output
    assert not (tmp_path / "hub" / "store" / "hub.sqlite").exists()
    assert not (tmp_path / "hub" / "snapshots").exists()
