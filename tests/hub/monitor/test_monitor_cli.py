"""``hub guide`` and ``hub monitor`` from the command line: wrong values exit 2 and change
nothing; the right ones register, list and write."""

from pathlib import Path

import pandas as pd
import pytest
import storefakes as fakes
from store_linking import link_and_publish
from typer.testing import CliRunner

from foundation.settings import Settings
from hub.access.users import create_user
from hub.cli import app
from hub.store import guides as g
from hub.store.engine import open_store

runner = CliRunner()


@pytest.fixture
def published(hub_settings: Settings) -> tuple[str, str]:
    """A published store with a steward and a staff account; returns (household, engine url)."""
    engine = open_store(hub_settings.store_url)
    persons = fakes.persons_frame(fakes.people(30))
    link_and_publish(engine, "run-1", persons, fakes.registrations_frame(persons))
    create_user(engine, "stef", "a-long-password-1", "steward")
    create_user(engine, "sam", "a-long-password-1", "staff")
    with engine.connect() as conn:
        household = g.published_households(conn).pop()
    engine.dispose()
    return household, hub_settings.store_url


def _guides(url: str) -> list[g.Guide]:
    engine = open_store(url)
    try:
        return g.list_guides(engine, include_ended=True)
    finally:
        engine.dispose()


def _set(household: str, *extra: str, since: str = "01-09-2026", user: str = "stef") -> list:
    return ["guide", "set", household, "--name", "Gerda Gids", "--organisation", "RST",
            "--contact", "06-11112222", "--since", since, "--as", user, *extra]


@pytest.mark.parametrize("case", ["bad date", "future", "unknown household", "unknown user",
                                  "staff role", "no --as"])
def test_guide_set_with_wrong_values_exits_2_and_changes_nothing(published, case: str) -> None:
    household, url = published
    args = {
        "bad date": _set(household, since="31-02-2026"),
        "future": _set(household, since="01-01-2099"),
        "unknown household": _set("H-NOSUCHHOUSE"),
        "unknown user": _set(household, user="nobody"),
        "staff role": _set(household, user="sam"),
        "no --as": _set(household)[:-2],
    }[case]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert _guides(url) == []


def test_guide_set_list_end_and_wrong_end(published) -> None:
    household, url = published
    assert runner.invoke(app, _set(household)).exit_code == 0
    [guide] = _guides(url)
    listing = runner.invoke(app, ["guide", "list"])
    assert listing.exit_code == 0 and "1 fixed guide(s)" in listing.output
    assert runner.invoke(app, ["guide", "end", str(guide.guide_id), "--until", "31-08-2026",
                               "--reason", "before it began", "--as", "stef"]).exit_code == 2
    assert runner.invoke(app, ["guide", "end", "abc", "--until", "01-10-2026", "--reason",
                               "family moved", "--as", "stef"]).exit_code == 2
    assert runner.invoke(app, ["guide", "list", "--conflicts", "--all"]).exit_code == 2
    assert _guides(url)[0].until is None
    done = runner.invoke(app, ["guide", "end", str(guide.guide_id), "--until", "01-10-2026",
                               "--reason", "family moved", "--as", "stef"])
    assert done.exit_code == 0, done.output
    assert _guides(url)[0].until is not None
    history = runner.invoke(app, ["guide", "history", household])
    assert history.exit_code == 0 and "2 change(s)" in history.output


def test_guide_demo_needs_hub_demo(published, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HUB_DEMO", raising=False)
    assert runner.invoke(app, ["guide", "demo"]).exit_code == 2


@pytest.mark.parametrize("args", [["--from", "2026-13"], ["--from", "march"],
                                  ["--from", "2026-05", "--to", "2026-01"],
                                  ["--from", "2000-01", "--to", "2026-01"]])
def test_monitor_wrong_months_exit_2_and_write_nothing(published, tmp_path: Path,
                                                       args: list[str]) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["monitor", "--out", str(out), *args])
    assert result.exit_code == 2, result.output
    assert not out.exists()


def test_monitor_writes_csv_and_parquet(published, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["monitor", "--out", str(out), "--from", "2026-01",
                                 "--to", "03-2026"])
    assert result.exit_code == 0, result.output
    table = pd.read_parquet(out / "monitor.parquet")
    assert set(table["month"]) == {"2026-01", "2026-02", "2026-03", "totaal"}
    csv = (out / "monitor.csv").read_text(encoding="utf-8-sig")
    assert "<5" in csv or "x" in csv
    assert "H-" not in csv and "P-" not in csv


def test_csv_cells_that_look_like_formulas_are_neutralised() -> None:
    from hub.monitor.export import neutralise

    assert neutralise("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert neutralise("-3") == "'-3" and neutralise("<5") == "<5" and neutralise(4.0) == 4.0
