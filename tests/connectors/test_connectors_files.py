"""Files connector: encodings, delimiters, broken and empty files, huge files, exactly-once."""

import codecs
from pathlib import Path

import pandas as pd
import pytest
from connectors_cases import HEADER, files_config, person_line

from connectors.extract import extract_partner
from connectors.files import CHUNK_ROWS, detect_delimiter, detect_encoding, read_csv_chunks
from connectors.staging import read_staging, staging_path
from foundation.errors import ParseError
from foundation.quarantine import read_quarantine


def inbox(settings) -> Path:
    folder = settings.partner_systems / "vt" / "inbox"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def write(settings, name: str, lines: list[str], encoding: str = "utf-8", bom: bool = False,
          sep: str = ";") -> Path:
    text = "\n".join(line.replace(";", sep) for line in lines) + "\n"
    data = text.encode(encoding)
    path = inbox(settings) / name
    path.write_bytes((codecs.BOM_UTF8 if bom else b"") + data)
    return path


@pytest.mark.parametrize("encoding, bom, sep", [
    ("utf-8", False, ";"), ("utf-8", True, ";"), ("cp1252", False, ";"), ("utf-8", False, ","),
    ("cp1252", False, ","),
], ids=["utf8-semicolon", "utf8-bom", "cp1252", "utf8-comma", "cp1252-comma"])
def test_encodings_and_delimiters_are_detected(make_config, hub_settings, encoding, bom, sep):
    lines = [HEADER, person_line(1, bsn="012345678", name="\"Öztürk-Çelik, van 't\""),
             person_line(2, name="Bakker")]
    write(hub_settings, "personen-1.csv", lines, encoding, bom, sep)
    result = extract_partner("vt", make_config(files_config()), hub_settings, "r1")
    persons = result.persons.set_index("source_record_id")
    assert persons.loc["1", "surname"] == "Öztürk-Çelik"
    assert persons.loc["1", "surname_prefix"] == "van 't"
    assert persons.loc["1", "bsn"] == "012345678"  # leading zero kept
    assert result.counts["persons"].staged == 2 and result.counts["persons"].reconciled


def test_detection_helpers(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes("naam\nGül\n".encode("cp1252"))
    assert detect_encoding(path) == "cp1252"
    path.write_bytes(codecs.BOM_UTF8 + "naam\nGül\n".encode())
    assert detect_encoding(path) == "utf-8-sig"
    assert detect_delimiter("a;b;c,d\n") == ";"
    assert detect_delimiter("a,b,c\n") == ","
    assert detect_delimiter("a\tb\n") == "\t"


@pytest.mark.parametrize("content, reason", [
    (HEADER + '\n1;;"Berg, van der;man;07-03-2014;1501AB;1;0479;nee;kind\n', "not valid CSV"),
    (b"\x00\x01\x02PK binary".decode("latin-1"), "binary"),
    ("", "empty"),
    ("wrong;headers\n1;2\n", "lacks configured columns"),
], ids=["broken-quoting", "binary", "empty", "wrong-headers"])
def test_unparseable_file_is_rejected_whole(make_config, hub_settings, content, reason):
    good = write(hub_settings, "personen-1.csv", [HEADER, person_line(1)])
    bad = inbox(hub_settings) / "personen-2.csv"
    bad.write_bytes(content.encode("latin-1"))
    result = extract_partner("vt", make_config(files_config()), hub_settings, "r1")
    assert result.rejected_files == ["personen-2.csv"]
    assert result.counts["persons"].files_rejected == 1
    assert result.counts["persons"].staged == 1  # the good file still went through
    assert (bad.parent.parent / "rejected" / "personen-2.csv").exists()
    assert (good.parent.parent / "archive" / "personen-1.csv").exists()
    quarantined = read_quarantine(hub_settings.quarantine, "vt")
    files = quarantined[quarantined["dataset"] == "file"]
    assert files["origin"].tolist() == ["personen-2.csv"]
    assert reason in files["reason"].iloc[0]


def test_header_only_file_is_a_delivery_of_no_rows(make_config, hub_settings):
    write(hub_settings, "personen-1.csv", [HEADER])
    result = extract_partner("vt", make_config(files_config()), hub_settings, "r1")
    assert result.counts["persons"].read == 0
    assert result.counts["persons"].files_read == 1 and not result.rejected_files


def test_each_file_is_processed_exactly_once(make_config, hub_settings):
    config = make_config(files_config())
    first = write(hub_settings, "personen-1.csv", [HEADER, person_line(1), person_line(2)])
    copy = first.read_bytes()
    assert extract_partner("vt", config, hub_settings, "r1").counts["persons"].read == 2
    assert not first.exists()
    # the same content again under another name, plus one new file
    (inbox(hub_settings) / "personen-1-resend.csv").write_bytes(copy)
    write(hub_settings, "personen-2.csv", [HEADER, person_line(3)])
    second = extract_partner("vt", config, hub_settings, "r2")
    assert second.counts["persons"].read == 1
    assert second.counts["persons"].files_skipped == 1
    assert second.persons["source_record_id"].tolist() == ["3"]
    staged = read_staging(hub_settings, "vt", "persons")
    assert sorted(staged["source_record_id"]) == ["1", "2", "3"]
    # A run with nothing new does not rewrite the staging file (validation of an unchanged
    # partner is skipped on the evidence of its bytes).
    staged_file = staging_path(hub_settings, "vt", "persons")
    before = (staged_file.stat().st_ino, staged_file.read_bytes())
    assert extract_partner("vt", config, hub_settings, "r3").counts["persons"].read == 0
    assert (staged_file.stat().st_ino, staged_file.read_bytes()) == before


def test_xlsx_delivery(make_config, hub_settings):
    frame = pd.DataFrame([line.split(";") for line in [person_line(1, bsn="012345678")]],
                         columns=HEADER.split(";"))
    frame.to_excel(inbox(hub_settings) / "personen-1.xlsx", index=False)
    result = extract_partner("vt", make_config(files_config()), hub_settings, "r1")
    assert result.persons["bsn"].tolist() == ["012345678"]
    assert result.persons["birth_date"].tolist() == ["2014-03-07"]


def test_xlsx_numeric_cells_read_as_their_text(make_config, hub_settings):
    """Spreadsheets store ids and numbers as numbers: 7 must stay "7", not "7.0"."""
    frame = pd.DataFrame([line.split(";") for line in [person_line(7)]],
                         columns=HEADER.split(";")).astype(object)
    frame.loc[0, "id"] = 7
    frame.to_excel(inbox(hub_settings) / "personen-2.xlsx", index=False)
    result = extract_partner("vt", make_config(files_config()), hub_settings, "r1")
    assert result.persons["source_record_id"].tolist() == ["7"]
    assert result.persons["birth_date"].tolist() == ["2014-03-07"]


def test_huge_file_is_streamed_in_chunks_and_reconciles(make_config, hub_settings):
    rows = 200_000
    path = inbox(hub_settings) / "personen-big.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(HEADER + "\n")
        for i in range(rows):
            postcode = "1501AB" if i % 10 else "9999ZZ"  # every tenth row out of scope
            born = "07-03-2014" if i % 1000 else "31-02-2014"  # every 1000th row unmappable
            handle.write(person_line(i, postcode=postcode, municipality="", born=born) + "\n")
    sizes = [len(chunk) for chunk in read_csv_chunks(path)]
    assert sum(sizes) == rows and max(sizes) <= CHUNK_ROWS and len(sizes) >= 4
    result = extract_partner("vt", make_config(files_config()), hub_settings, "r1")
    counts = result.counts["persons"]
    assert counts.read == rows
    assert counts.quarantined == rows // 1000
    assert counts.out_of_scope == rows // 10 - rows // 1000  # every unmappable row is a tenth row
    assert counts.reconciled


def test_parse_error_names_the_file(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"")
    with pytest.raises(ParseError) as info:
        list(read_csv_chunks(path))
    assert info.value.origin == "x.csv"


def test_a_file_rejected_for_one_dataset_is_rejected_for_all(make_config, hub_settings):
    config = make_config(files_config().replace('pattern: "meldingen*.csv"',
                                                'pattern: "personen*"'))
    write(hub_settings, "personen-1.csv", [HEADER, person_line(1)])  # lacks the melding columns
    result = extract_partner("vt", config, hub_settings, "r1")
    assert result.rejected_files == ["personen-1.csv"]
    assert result.counts["persons"].read == 0 and result.counts["persons"].files_rejected == 1
    assert result.persons.empty
    assert (hub_settings.partner_systems / "vt" / "rejected" / "personen-1.csv").exists()
    assert read_staging(hub_settings, "vt", "persons").empty


def test_redelivered_unchanged_rows_keep_their_lineage_and_the_file(make_config, hub_settings):
    """A row delivered again with the same content stays the staged row (where it was first
    read); a changed row replaces it; nothing changed at all leaves the file untouched."""
    config = make_config(files_config())
    write(hub_settings, "personen-1.csv", [HEADER, person_line(1), person_line(2)])
    extract_partner("vt", config, hub_settings, "r1")
    staged_file = staging_path(hub_settings, "vt", "persons")
    before = (staged_file.stat().st_ino, staged_file.read_bytes())

    write(hub_settings, "personen-2.csv", [HEADER, person_line(2), person_line(1)])
    assert extract_partner("vt", config, hub_settings, "r2").counts["persons"].read == 2
    assert (staged_file.stat().st_ino, staged_file.read_bytes()) == before

    write(hub_settings, "personen-3.csv", [HEADER, person_line(1), person_line(2, bsn="012345678")])
    extract_partner("vt", config, hub_settings, "r3")
    staged = read_staging(hub_settings, "vt", "persons").set_index("source_record_id")
    assert staged.loc["1", "origin"] == "personen-1.csv"
    assert staged.loc["2", "origin"] == "personen-3.csv"
    assert staged.loc["2", "bsn"] == "012345678"
