"""A row that fails at extraction is quarantined masked, under canonical names (issue 16, 1).

Blijf Groep's own mapping (connectors/partners.yaml) on a small export: a client with a secret
address and an impossible birth date or a house number in words must not show street, number,
postcode or BSN anywhere: not in the quarantine Parquet (raw bytes), not in the listing, not in
the store's quarantine table.
"""

import json

import pandas as pd
import pyarrow as pa
import pytest
from typer.testing import CliRunner

from connectors.config import load_config
from connectors.extract import extract_partner
from foundation.errors import HubError
from foundation.privacy import mask_record, mask_text
from foundation.quarantine import read_quarantine
from hub.cli import app

BSN = "123456782"
STREET = "Verborgenlaan"
POSTCODE = "1502 QQ"
HEADER = ["Cliëntnummer", "Dossiernummer", "Traject", "Fase", "Startdatum", "Einddatum",
          "Reden uitstroom", "Hulpverlener", "Bereikbaar via", "Relatie tot dossier", "Roepnaam",
          "Achternaam", "Geboortedatum", "Geslacht", "BSN", "Straat", "Huisnr", "Postcode",
          "Plaats", "Geheim adres"]


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """CLI output 300 columns wide, whatever other tests did to the shared console."""
    from hub.console import console, err_console

    for target in (console, err_console):
        monkeypatch.setattr(target, "_width", 300)


def client(number: str, *, born: str = "07/03/2014", house: str = "12", secret: str = "ja",
           extra: dict | None = None) -> dict:
    row = dict.fromkeys(HEADER, "")
    row.update({"Cliëntnummer": number, "Dossiernummer": "D1", "Traject": "opvang",
                "Fase": "in zorg", "Startdatum": "01/02/2026", "Relatie tot dossier": "cliënt",
                "Roepnaam": "Sanne", "Achternaam": "de Vries", "Geboortedatum": born,
                "Geslacht": "v", "BSN": BSN, "Straat": STREET, "Huisnr": house,
                "Postcode": POSTCODE, "Plaats": "Zaandam", "Geheim adres": secret})
    row.update(extra or {})
    return row


def deliver(settings, rows: list[dict], name: str = "blijf_clienten_20261101.txt") -> None:
    inbox = settings.partner_systems / "blijf_groep" / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(inbox / name, sep="\t", index=False, encoding="utf-8-sig")


def quarantined(settings) -> pd.DataFrame:
    return read_quarantine(settings.quarantine, "blijf_groep")


def raw_bytes(settings) -> bytes:
    return b"".join(p.read_bytes() for p in settings.quarantine.rglob("*.parquet"))


SECRETS = (BSN, STREET, POSTCODE, "1502QQ", "drie", "Geheim adres", "Straat")


@pytest.mark.parametrize("case", [
    {"born": "31/02/2020"},                      # impossible date, secret address
    {"house": "drie"},                           # house number in words, secret address
    {"house": "drie", "secret": "misschien"},    # unreadable flag: treated as secret
    {"house": "drie", "secret": ""},             # missing flag: treated as secret
], ids=["impossible-date", "house-in-words", "unreadable-flag", "missing-flag"])
def test_failing_secret_row_is_stored_masked_under_canonical_names(hub_settings, case):
    deliver(hub_settings, [client("C1", **case), client("C2")])
    config = load_config(hub_settings)
    result = extract_partner("blijf_groep", config, hub_settings, "run-1")
    persons = result.counts["persons"]
    assert persons.quarantined >= 1
    rows = quarantined(hub_settings)
    held = rows[rows["dataset"] == "persons"]
    assert held["source_record_id"].tolist() == ["C1"]
    record = json.loads(held["record"].iloc[0])
    assert record["street"] == record["postcode"] == record["house_number"] == "***"
    assert record["bsn"] == "*******82"
    assert record["first_names"] == "Sanne"  # what the steward needs to find the person
    assert not set(record) & set(HEADER)     # canonical names only, no raw column names
    stored = raw_bytes(hub_settings)
    for secret in SECRETS:
        assert secret.encode() not in stored, secret


def test_failing_open_row_shows_the_failing_value_but_never_the_bsn(hub_settings):
    deliver(hub_settings, [client("C1", born="31/02/2020", secret="nee")])
    extract_partner("blijf_groep", load_config(hub_settings), hub_settings, "run-1")
    held = quarantined(hub_settings)
    record = json.loads(held[held["dataset"] == "persons"]["record"].iloc[0])
    assert record["birth_date"] == "31/02/2020"  # the steward sees what to fix
    assert record["street"] == STREET            # not secret: shown
    assert BSN.encode() not in raw_bytes(hub_settings)


def test_unmapped_columns_are_withheld_and_bsn_shaped_text_masked(hub_settings):
    extra = {"Burgerservicenummer": "987654321", "Bereikbaar via": "bsn 111.222.333 bellen",
             "Startdatum": "31/02/2026"}
    deliver(hub_settings, [client("C1", born="31/02/2020", secret="nee", extra=extra)])
    extract_partner("blijf_groep", load_config(hub_settings), hub_settings, "run-1")
    held = quarantined(hub_settings)
    records = [json.loads(r) for r in held["record"].dropna()]
    assert all("Burgerservicenummer" not in r for r in records)
    persons = [json.loads(r) for r in held[held["dataset"] == "persons"]["record"]]
    assert "Burgerservicenummer" in persons[0]["withheld_columns"]  # only its name
    stored = raw_bytes(hub_settings)
    for secret in ("987654321", "111.222.333"):
        assert secret.encode() not in stored, secret
    assert any(r.get("case_worker_contact") == "bsn *******33 bellen" for r in records)


def test_quarantine_listing_shows_no_secret(hub_settings, monkeypatch):
    deliver(hub_settings, [client("C1", house="drie")])
    extract_partner("blijf_groep", load_config(hub_settings), hub_settings, "run-1")
    listing = CliRunner().invoke(app, ["quarantine", "list", "--records"],
                                 env={"COLUMNS": "300"}).output
    assert "C1" in listing
    for secret in SECRETS:
        assert secret not in listing, secret


def test_error_messages_never_carry_a_bsn():
    error = HubError(f"cannot read value {BSN} / 1234.56.782", partner="vt",
                     origin="client_987654321.csv")
    assert BSN not in str(error) and "1234.56.782" not in str(error)
    assert "987654321" not in str(error)


def test_masking_fails_safe_on_any_flag_that_is_not_a_clear_no():
    for flag in (True, None, "ja", "yes", "waar", "?", float("nan")):
        assert mask_record({"street": "Dam", "address_confidential": flag})["street"] == "***"
    for flag in (False, "nee", "false", "0"):
        assert mask_record({"street": "Dam", "address_confidential": flag})["street"] == "Dam"
    assert mask_text("geboren 31-02-2020, bsn 1234 56 782") == "geboren 31-02-2020, bsn *******82"
    assert mask_text("VT_export_20261101.csv") == "VT_export_20261101.csv"  # a date stamp
    assert mask_text("oud nummer 12345678") == "oud nummer ******78"  # an 8-digit BSN


def test_check_metadata_frames_are_masked_like_records():
    """Dagster check metadata shows failing rows through mask_frame (pipelines/checks.py)."""
    from foundation.privacy import mask_frame

    frame = pd.DataFrame({"bsn": [BSN, None], "street": [STREET, "Dam"],
                          "address_confidential": pd.array([None, False], dtype="boolean"),
                          "first_names": ["Sanne 111222333", "Piet"],
                          "content_hash": ["ab123456789", "cd"]})
    masked = mask_frame(frame)
    assert masked["street"].tolist() == ["***", "Dam"]
    assert masked["first_names"].tolist() == ["Sanne *******33", "Piet"]
    assert BSN not in masked.to_string()
    assert masked["content_hash"].tolist() == ["ab123456789", "cd"]


def test_runner_failure_lines_are_masked():
    from pipelines.runner import _first_line

    class Error:
        cause = None
        cls_name = "ValueError"
        message = f"ValueError: bad value {BSN}"

    class Data:
        error = Error()

    class Event:
        step_failure_data = Data()

    assert BSN not in _first_line(Event())


def test_rows_with_the_wrong_field_count_are_quarantined_as_such(hub_settings):
    """Issue 16, 2: a row cut short (or too long) is named, with file and row; its case stays."""
    deliver(hub_settings, [client("C1", secret="nee"), client("C2", secret="nee")])
    path = next((hub_settings.partner_systems / "blijf_groep" / "inbox").glob("*.txt"))
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    lines[2] = "\t".join(lines[2].split("\t")[:12])            # C2 cut short
    lines.append("\t".join(lines[1].split("\t") + ["extra"]).replace("C1", "C3", 1))
    path.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
    result = extract_partner("blijf_groep", load_config(hub_settings), hub_settings, "run-1")
    persons = result.counts["persons"]
    assert (persons.read, persons.staged, persons.quarantined) == (3, 1, 2)
    held = quarantined(hub_settings)
    rows = held[(held["dataset"] == "persons")].sort_values("origin_row")
    assert rows["rule"].tolist() == ["field_count", "field_count"]
    assert rows["origin_row"].tolist() == [2, 3]
    assert rows["source_record_id"].tolist() == ["C2", "C3"]
    assert rows["reason"].tolist() == ["row has 12 fields, the header 20",
                                       "row has 21 fields, the header 20"]
    assert set(rows["origin"]) == {path.name}
    assert rows["record"].isna().all()  # shifted values are not trusted: withheld
    cases = result.counts["registrations"]
    assert cases.out_of_scope == 0 and cases.reconciled


def test_a_case_whose_person_ids_are_all_missing_is_quarantined_not_out_of_scope(hub_settings):
    deliver(hub_settings, [client("C1", secret="nee"),
                           client("", secret="nee", extra={"Dossiernummer": "D2"}),
                           client("", secret="nee", extra={"Dossiernummer": "D2"})])
    result = extract_partner("blijf_groep", load_config(hub_settings), hub_settings, "run-1")
    cases = result.counts["registrations"]
    assert (cases.read, cases.staged, cases.quarantined, cases.out_of_scope) == (3, 1, 2, 0)
    held = quarantined(hub_settings)
    row = held[held["dataset"] == "registrations"]
    assert row["source_record_id"].tolist() == ["D2"]
    assert row["field"].tolist() == ["person_record_ids"]
    assert BSN.encode() not in raw_bytes(hub_settings)


@pytest.mark.parametrize("content, reason", [
    (b"", "empty"),
    ("Cliëntnummer\tBSN\n".encode("utf-16"), "UTF-16"),
    (b"\x00\x01PK\x03\x04", "binary"),
    (None, "Geheim adres"),  # the mandatory confidentiality column is missing
], ids=["empty", "utf16", "binary", "no-confidentiality-column"])
def test_a_delivery_rejected_whole_fails_hub_extract_with_file_and_reason(hub_settings, content,
                                                                          reason):
    inbox = hub_settings.partner_systems / "blijf_groep" / "inbox"
    if content is None:
        deliver(hub_settings, [{k: v for k, v in client("C1").items() if k != "Geheim adres"}])
    else:
        inbox.mkdir(parents=True, exist_ok=True)
        (inbox / "blijf_clienten_20261101.txt").write_bytes(content)
    result = CliRunner().invoke(app, ["extract", "--partner", "blijf_groep"],
                                env={"COLUMNS": "300"})
    assert result.exit_code == 1, result.output
    assert "rejected" in result.output and "blijf_clienten_20261101.txt" in result.output
    assert reason in result.output
    assert BSN not in result.output


@pytest.mark.parametrize("column, field", [("Achternaam", "surname"), ("Roepnaam", "first_names"),
                                           ("Cliëntnummer", "source_record_id")])
def test_a_value_over_its_maximum_length_is_quarantined_with_the_field(hub_settings, column,
                                                                       field):
    from schemas.canonical import MAX_LENGTHS

    huge = "x" * 1_000_000
    deliver(hub_settings, [client("C1", secret="nee", extra={column: huge}), client("C2")])
    result = extract_partner("blijf_groep", load_config(hub_settings), hub_settings, "run-1")
    assert result.counts["persons"].quarantined == 1
    held = quarantined(hub_settings)
    row = held[held["dataset"] == "persons"].iloc[0]
    assert (row["rule"], row["field"]) == ("max_length", field)
    assert f"longer than {MAX_LENGTHS[field]} characters" in row["reason"]
    assert huge not in row["record"] and len(row["record"]) < 2000


def test_staging_keeps_secret_addresses_apart_and_owner_only(hub_settings):
    """Issue 16, 5: staging's ordinary columns hold no shelter address; files are 0600/0700."""
    import stat

    import pyarrow.parquet as pq

    from connectors.staging import (
        read_secret_addresses,
        secrets_path,
        staging_path,
        with_secret_addresses,
    )
    from foundation.files import restrict_new_files

    restrict_new_files()
    deliver(hub_settings, [client("C1", secret="ja"), client("C2", secret="nee")])
    extract_partner("blijf_groep", load_config(hub_settings), hub_settings, "run-1")
    path = staging_path(hub_settings, "blijf_groep", "persons")
    assert secrets_path(hub_settings, "blijf_groep").exists()
    staged = pq.read_table(path).to_pandas().set_index("source_record_id")
    assert staged.loc["C1", ["street", "postcode", "city"]].isna().all()
    assert staged.loc["C2", "street"] == STREET
    secrets = read_secret_addresses(hub_settings, "blijf_groep")
    assert secrets["source_record_id"].tolist() == ["C1"]
    assert secrets["street"].tolist() == [STREET]
    joined = with_secret_addresses(hub_settings, staged.reset_index()).set_index(
        "source_record_id")
    assert joined.loc["C1", "street"] == STREET and joined.loc["C1", "postcode"] == "1502QQ"
    # C1 is no longer confidential: its old secret goes, its address is ordinary now
    deliver(hub_settings, [client("C1", secret="nee")], name="blijf_clienten_20261102.txt")
    extract_partner("blijf_groep", load_config(hub_settings), hub_settings, "run-2")
    assert read_secret_addresses(hub_settings, "blijf_groep").empty
    for item in hub_settings.home.rglob("*"):
        if "partners" in item.relative_to(hub_settings.home).parts[:1]:
            continue  # the partner's own drop folder (test input)
        mode = stat.S_IMODE(item.stat().st_mode)
        assert mode & 0o077 == 0, (item, oct(mode))
    archive = hub_settings.partner_systems / "blijf_groep" / "archive"
    assert stat.S_IMODE(archive.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in archive.iterdir())


def test_quarantine_written_before_the_fix_is_masked_on_the_next_extract(hub_settings):
    """A raw record stored in clear by an older hub (partner column names) is rewritten once."""
    from foundation.quarantine import write_quarantine

    old = client("C9", born="31/02/2020")
    row = pd.DataFrame([{"dataset": "persons", "origin": "blijf_clienten_1.txt", "origin_row": 1,
                         "source_record_id": "C9", "rule": "date_format", "field": "birth_date",
                         "reason": "field birth_date: bad", "severity": "row",
                         "record": json.dumps(old)}])
    path = write_quarantine(hub_settings.quarantine, "blijf_groep", "old-run", "extract", row)
    import pyarrow.parquet as pq  # simulate the old clear form, as an older hub wrote it

    table = pq.read_table(path).to_pandas()
    table["record"] = json.dumps(old)
    pq.write_table(pa.Table.from_pandas(table, preserve_index=False), path)
    assert STREET.encode() in raw_bytes(hub_settings)
    deliver(hub_settings, [client("C1", secret="nee")])
    extract_partner("blijf_groep", load_config(hub_settings), hub_settings, "run-1")
    for secret in SECRETS:
        assert secret.encode() not in raw_bytes(hub_settings), secret
    held = quarantined(hub_settings)
    record = json.loads(held[held["source_record_id"] == "C9"]["record"].iloc[0])
    assert record["birth_date"] == "31/02/2020" and record["street"] == "***"


def test_hub_run_without_hub_demo_names_partner_and_variable(tmp_path, monkeypatch):
    """Issue 16, 4: on the production path a missing setting is a configuration error (exit 2)."""
    monkeypatch.delenv("HUB_DEMO")
    monkeypatch.setenv("HUB_HOME", str(tmp_path / "hub"))
    for name in ("RVDK_DB_URL", "LDH_DB_URL", "JBRA_API_URL", "JBRA_API_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(app, ["run"], env={"COLUMNS": "300"})
    assert result.exit_code == 2, result.output
    assert "RVDK_DB_URL" in result.output and "rvdk" in result.output
    assert "HUB_DEMO=1" in result.output
    extract = CliRunner().invoke(app, ["extract"], env={"COLUMNS": "300"})
    assert extract.exit_code == 2 and "RVDK_DB_URL" in extract.output
    assert not (tmp_path / "hub" / "staging").exists()


def test_hub_demo_data_says_how_to_run_on_it(tmp_path):
    result = CliRunner().invoke(app, ["demo-data", "--out", str(tmp_path / "p"),
                                      "--households", "3", "--seed", "1"],
                                env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    assert "HUB_DEMO=1 hub run" in result.output
