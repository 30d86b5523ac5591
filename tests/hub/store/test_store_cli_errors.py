"""Commands answer a wrong argument or a missing store with a message, never a traceback, and
commands that only read create nothing (issue 16, section 5)."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from foundation.settings import Settings
from hub.cli import app

runner = CliRunner()


def _flat(text: str) -> str:
    return " ".join(text.split())


def _clean(result) -> None:
    """No traceback: the command ended through typer.Exit, not an exception."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception)


def test_reading_commands_create_no_store(hub_settings: Settings) -> None:
    for args in (["store", "status"], ["audit", "verify"],
                 ["export", "--out", str(hub_settings.home.parent / "out")]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert "no store here yet" in _flat(result.output)
        _clean(result)
    assert not hub_settings.home.exists()
    assert not (hub_settings.home.parent / "out").exists()


@pytest.mark.parametrize("args", [["store", "status"], ["store", "upgrade"], ["users", "list"],
                                  ["audit", "verify"], ["export", "--out", "x"],
                                  ["erase", "--source", "jgb", "--record", "1"]])
def test_a_store_url_without_driver_names_the_driver(hub_settings: Settings, args: list[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUB_STORE_URL", "postgresql://hub@127.0.0.1:5432/hub")
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "postgresql+psycopg2://" in _flat(result.output)
    _clean(result)


def test_demo_data_into_an_unwritable_folder_is_a_message(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo-data", "--out", "/proc/x", "--households", "2"])
    assert result.exit_code == 2 and "cannot write to /proc/x" in _flat(result.output)
    _clean(result)


def test_link_into_a_missing_folder_creates_nothing(tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text("source,source_record_id,surname\njgb,1,Jansen\n", encoding="utf-8")
    out = tmp_path / "missing" / "links.csv"
    result = runner.invoke(app, ["link", str(people), "--out", str(out)])
    assert result.exit_code == 2 and "does not exist" in _flat(result.output)
    assert not out.parent.exists()


@pytest.mark.parametrize("args", [["quarantine", "list", "--partner", "foo"],
                                  ["quarantine", "list", "--stage", "bogus"],
                                  ["web", "--port", "70000"]])
def test_wrong_values_of_other_commands_exit_2(hub_settings: Settings, args: list[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUB_DEMO", "1")
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    _clean(result)


def test_run_with_a_store_url_without_driver_stops_before_extracting(
        hub_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUB_DEMO", "1")
    monkeypatch.setenv("HUB_STORE_URL", "postgresql://hub@127.0.0.1:5432/hub")
    result = runner.invoke(app, ["run"])
    assert result.exit_code == 2 and "postgresql+psycopg2://" in _flat(result.output)
    assert not hub_settings.staging.exists()
