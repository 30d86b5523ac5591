"""`hub demo-data` end to end, and partners.yaml reading the demo systems without losses."""

from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from foundation.settings import PROJECT_ROOT, Settings
from hub.cli import app
from hub.demo.writers.common import CASE_TYPE, ROLE, SEX, STATUS

CONFIG = PROJECT_ROOT / "connectors" / "partners.yaml"


def _run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_demo_data_is_deterministic_and_prints_counts(tmp_path: Path) -> None:
    out = _run("demo-data", "--out", str(tmp_path / "a"), "--households", "40", "--seed", "7")
    _run("demo-data", "--out", str(tmp_path / "b"), "--households", "40", "--seed", "7")
    assert "veilig_thuis" in out and "total" in out
    for name in ("veilig_thuis/inbox/VT_export_20261001.csv", "jgb/inbox/personen_20261101.csv",
                 "jbra/api_data.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    truth = pd.read_parquet(tmp_path / "a" / "_truth" / "truth.parquet")
    assert str(len(truth)) in out


def test_demo_data_rejects_an_unknown_profile(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["demo-data", "--out", str(tmp_path), "--profile", "x"])
    assert result.exit_code == 2


@pytest.mark.parametrize("vocabulary,field", [(ROLE, "role"), (SEX, "sex"),
                                              (CASE_TYPE, "case_type"), (STATUS, "status")])
def test_every_word_a_writer_uses_is_mapped_in_partners_yaml(vocabulary, field) -> None:
    partners = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))["partners"]
    for partner, words in vocabulary.items():
        dataset = "persons" if field in ("role", "sex") else "registrations"
        mapping = partners[partner][dataset]["fields"][field]["values"]
        mapped = {str(k).strip().lower(): v for k, v in mapping.items()}
        for canonical, raw in words.items():
            assert mapped.get(str(raw).strip().lower()) == canonical, (partner, raw)


def test_extract_reads_every_demo_partner_and_scope_matches_truth(
        hub_settings: Settings) -> None:
    from connectors.config import load_config
    from connectors.extract import extract_all
    from hub.demo.services import demo_services

    _run("demo-data", "--households", "60", "--seed", "2", "--profile", "hard")
    config = load_config(hub_settings, CONFIG)
    report = extract_all(config, hub_settings, services=demo_services)
    assert not report.errors and len(report.results) == 7
    truth = pd.read_parquet(hub_settings.partner_systems / "_truth" / "truth.parquet")
    outside = truth[~truth["in_scope"]].groupby("source").size()
    for partner, result in report.results.items():
        persons = result.counts["persons"]
        assert persons.quarantined == 0, partner
        assert persons.read == (truth["source"] == partner).sum(), partner
        assert persons.out_of_scope == outside.get(partner, 0), partner
