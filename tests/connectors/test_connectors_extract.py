"""Extraction end to end on small deliveries: scope, staging upsert, reconciliation, the CLI."""

import textwrap

import yaml
from connectors_cases import HEADER, files_config, person_line
from typer.testing import CliRunner

from connectors.extract import extract_all, extract_partner
from connectors.staging import read_staging
from foundation.quarantine import read_quarantine
from hub.cli import app
from hub.demo.services import demo_services

BSN = "123456782"


def drop(settings, name: str, lines: list[str]) -> None:
    folder = settings.partner_systems / "vt" / "inbox"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_counts_reconcile_and_scope_applies_to_registrations(make_config, hub_settings):
    drop(hub_settings, "personen-1.csv", [
        HEADER,
        person_line(1),                                      # in scope by municipality
        person_line(2, municipality="", postcode="1505 XX"),  # in scope by postcode range
        person_line(3, municipality="0363", postcode="1011AB"),  # Amsterdam: out of scope
        person_line(4, municipality="", postcode=""),         # no address: kept, counted
        person_line(5, bsn=BSN, born="gisteren"),             # unmappable: quarantined
    ])
    drop(hub_settings, "meldingen-1.csv", [
        "melding;persoon;soort;start",
        "M1;1;melding;01-02-2026", "M1;3;melding;01-02-2026",  # keeps only person 1
        "M2;3;advies;03-02-2026",                              # only out-of-scope persons
        "M3;5;melding;04-02-2026",                             # its person was quarantined
        "M4;4;melding;31-02-2026",                             # unmappable start date
    ])
    result = extract_partner("vt", make_config(files_config()), hub_settings, "run-1")
    persons, cases = result.counts["persons"], result.counts["registrations"]
    assert (persons.read, persons.staged, persons.quarantined, persons.out_of_scope) == (5, 3, 1, 1)
    assert persons.scope_unknown == 1
    assert (cases.read, cases.staged, cases.quarantined, cases.out_of_scope) == (5, 3, 1, 1)
    assert result.reconciled
    staged = read_staging(hub_settings, "vt", "registrations").set_index("case_id")
    assert sorted(staged.index) == ["M1", "M3"]
    assert staged.loc["M1", "person_record_ids"] == ["1"]
    assert "3" not in set(read_staging(hub_settings, "vt", "persons")["source_record_id"])
    quarantine = read_quarantine(hub_settings.quarantine, "vt", "run-1")
    assert sorted(zip(quarantine["origin"], quarantine["origin_row"], strict=True)) == [
        ("meldingen-1.csv", 5), ("personen-1.csv", 5)]
    assert not quarantine["reason"].str.contains(BSN).any()


def test_person_who_moves_out_of_scope_leaves_staging(make_config, hub_settings):
    config = make_config(files_config())
    drop(hub_settings, "personen-1.csv", [HEADER, person_line(1), person_line(2)])
    extract_partner("vt", config, hub_settings, "r1")
    drop(hub_settings, "personen-2.csv", [HEADER, person_line(2, municipality="0363",
                                                               postcode="1011AB")])
    result = extract_partner("vt", config, hub_settings, "r2")
    assert result.counts["persons"].out_of_scope == 1
    assert read_staging(hub_settings, "vt", "persons")["source_record_id"].tolist() == ["1"]


def test_cli_prints_reconciled_counts_and_fails_on_a_down_partner(hub_settings, tmp_path,
                                                                  monkeypatch):
    raw = yaml.safe_load(textwrap.dedent(files_config()))
    raw["partners"]["gone"] = {**raw["partners"]["vt"],
                               "connection": {"folder": str(tmp_path / "nowhere" / "inbox")}}
    path = tmp_path / "partners.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    monkeypatch.setenv("HUB_PARTNERS_CONFIG", str(path))
    drop(hub_settings, "personen-1.csv", [HEADER, person_line(1, bsn=BSN), person_line(2)])
    runner = CliRunner()
    ok = runner.invoke(app, ["extract", "--partner", "vt"], env={"COLUMNS": "200"})
    assert ok.exit_code == 0, ok.output
    assert "vt" in ok.output and "yes" in ok.output
    both = runner.invoke(app, ["extract"], env={"COLUMNS": "200"})
    assert both.exit_code == 1
    assert "gone failed" in both.output and "drop folder does not exist" in both.output
    assert BSN not in both.output and BSN not in ok.output
    unknown = runner.invoke(app, ["extract", "--partner", "nobody"])
    assert unknown.exit_code == 2


def test_demo_api_without_demo_data_fails_that_partner_alone(make_config, hub_settings):
    drop(hub_settings, "personen-1.csv", [HEADER, person_line(1)])
    rest = """
  jbra:
    kind: rest
    connection: {base_url: "${JBRA_API_URL}", token: "${JBRA_API_TOKEN}"}
    persons:
      endpoint: /api/v1/clients
      records_path: data
      fields: {source_record_id: {column: id}, address_confidential: {constant: false}}
"""
    config = make_config(files_config() + rest)
    assert config.partners["jbra"].demo_api
    report = extract_all(config, hub_settings, services=demo_services)
    assert set(report.errors) == {"jbra"} and "demo-data" in str(report.errors["jbra"])
    assert report.results["vt"].counts["persons"].staged == 1


def test_demo_api_is_started_for_the_run(make_config, hub_settings):
    from hub.demo.population import generate_population
    from hub.demo.writers import write_partner

    write_partner(generate_population(5, seed=1), "jbra", hub_settings.partner_systems)
    config = make_config(CONFIG_JBRA)
    report = extract_all(config, hub_settings, partners=["jbra"], services=demo_services)
    assert not report.errors, report.errors
    assert report.results["jbra"].counts["persons"].read > 0


CONFIG_JBRA = """
partners:
  jbra:
    kind: rest
    connection: {base_url: "${JBRA_API_URL}", token: "${JBRA_API_TOKEN}"}
    persons:
      endpoint: /api/v1/clients
      records_path: data
      pagination: {style: next_link, path: links.next}
      fields: {source_record_id: {column: id}, address_confidential: {constant: false}}
"""


def test_full_rereads_a_file_seen_before(make_config, hub_settings):
    config = make_config(files_config())
    lines = [HEADER, person_line(1), person_line(2)]
    drop(hub_settings, "personen-1.csv", lines)
    extract_partner("vt", config, hub_settings, "r1")
    drop(hub_settings, "personen-1.csv", lines)  # the same delivery again
    again = extract_partner("vt", config, hub_settings, "r2")
    assert again.counts["persons"].files_skipped == 1 and again.counts["persons"].read == 0
    drop(hub_settings, "personen-1.csv", lines)
    full = extract_partner("vt", config, hub_settings, "r3", full=True)
    assert full.counts["persons"].read == 2 and full.counts["persons"].staged == 2
