"""The mapping engine: rules, quarantine reasons without values, lineage, canonical schema."""

import pandas as pd
import pyarrow as pa
import pytest
from connectors_cases import PERSON_FIELDS

from connectors.mapping import ORIGIN, ORIGIN_ROW, aggregate_registrations, map_rows, to_canonical
from foundation.errors import ParseError
from schemas.canonical import PERSON_SCHEMA, REGISTRATION_SCHEMA

AT = pd.Timestamp("2026-11-01T12:00:00Z")
CONFIG = """
partners:
  p:
    kind: files
    connection: {folder: /tmp/none}
    persons:
      pattern: "*.csv"
      fields:
""" + PERSON_FIELDS + """
    registrations:
      pattern: "*.csv"
      aggregate_by: case_id
      fields:
        case_id: {column: zaak}
        person_record_ids: {column: persoon}
        case_type: {constant: ots}
        status: {column: status, values: {open: lopend, dicht: afgesloten}}
        start_date: {column: begin, date_format: "%d-%m-%Y"}
"""
GOOD = {"id": "1", "bsn": "012345678", "naam": "Berg, van der", "geslacht": "Vrouw ",
        "geboren": "00-03-2014", "postcode": "1501ab", "huisnr": "12a-2", "gemeente": "479",
        "geheim": "nee", "rol": "KIND"}


def raw(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, dtype="str")
    frame[ORIGIN] = "personen.csv"
    frame[ORIGIN_ROW] = range(1, len(frame) + 1)
    return frame


@pytest.fixture
def datasets(make_config):
    return make_config(CONFIG).partners["p"].datasets


def test_rules_produce_canonical_rows(datasets):
    mapped = map_rows(raw([GOOD]), datasets["persons"], "p", AT)
    assert mapped.quarantine.empty
    row = mapped.rows.iloc[0]
    assert (row["surname_prefix"], row["surname"]) == ("van der", "Berg")
    assert row["sex"] == "V" and row["role"] == "child"  # trimmed, case-insensitive values
    assert row["birth_date"] == "2014-03"  # day 00: month precision, no invented day
    assert (row["house_number"], row["house_letter"], row["house_number_suffix"]) == (12, "a", "2")
    assert row["postcode"] == "1501AB" and row["municipality_code"] == "0479"
    assert not row["address_confidential"]
    assert (row["source"], row["origin"], row["origin_row"]) == ("p", "personen.csv", 1)
    canonical = to_canonical(mapped.rows, "persons")
    table = pa.Table.from_pandas(canonical, schema=PERSON_SCHEMA, preserve_index=False)
    assert table.schema.names == PERSON_SCHEMA.names


@pytest.mark.parametrize("field, value, rule", [
    ("geslacht", "vrouwelijk", "values"),
    ("geboren", "31-02-2014", "date_format"),
    ("postcode", "15O1 AB", "postcode"),
    ("huisnr", "twaalf", "parse"),
    ("geheim", "misschien", "type"),
    ("id", "", "required"),
])
def test_unmappable_rows_are_quarantined_with_rule_and_field_but_no_value(datasets, field, value,
                                                                          rule):
    bad = {**GOOD, "id": "2", field: value}
    mapped = map_rows(raw([GOOD, bad]), datasets["persons"], "p", AT)
    assert mapped.rows["source_record_id"].tolist() == ["1"]
    (q,) = mapped.quarantine.to_dict("records")
    assert q["rule"] == rule and q["origin_row"] == 2 and q["dataset"] == "persons"
    assert value.strip() == "" or value not in q["reason"]
    assert GOOD["bsn"] not in q["reason"]
    assert GOOD["bsn"] not in q["record"]  # the held-back record is kept masked (issue 16)
    assert "*******78" in q["record"] and '"surname": "Berg, van der"' in q["record"]


def test_unknown_confidentiality_fails_safe(datasets):
    mapped = map_rows(raw([{**GOOD, "geheim": ""}]), datasets["persons"], "p", AT)
    assert bool(mapped.rows["address_confidential"].iloc[0]) is True


def test_missing_column_rejects_the_delivery(datasets):
    frame = raw([GOOD]).drop(columns=["rol"])
    with pytest.raises(ParseError, match="rol") as info:
        map_rows(frame, datasets["persons"], "p", AT)
    assert info.value.origin == "personen.csv"


def test_content_hash_follows_content_not_lineage(datasets):
    first = to_canonical(map_rows(raw([GOOD]), datasets["persons"], "p", AT).rows, "persons")
    later = to_canonical(map_rows(raw([GOOD]), datasets["persons"], "p",
                                  pd.Timestamp("2027-01-01T00:00:00Z")).rows, "persons")
    changed = to_canonical(map_rows(raw([{**GOOD, "huisnr": "14"}]), datasets["persons"], "p",
                                    AT).rows, "persons")
    assert first["content_hash"].iloc[0] == later["content_hash"].iloc[0]
    assert first["content_hash"].iloc[0] != changed["content_hash"].iloc[0]
    assert len(first["content_hash"].iloc[0]) == 64


def test_registrations_delivered_per_person_are_aggregated(datasets):
    rows = raw([
        {"zaak": "Z1", "persoon": "1", "status": "open", "begin": "01-02-2026"},
        {"zaak": "Z1", "persoon": "2", "status": "open", "begin": "01-02-2026"},
        {"zaak": "Z2", "persoon": "2", "status": "dicht", "begin": "05-01-2025"},
        {"zaak": "Z1", "persoon": "1", "status": "open", "begin": "01-02-2026"},
    ])
    mapped = map_rows(rows, datasets["registrations"], "p", AT)
    cases, per_case = aggregate_registrations(mapped.rows)
    canonical = to_canonical(cases, "registrations").set_index("case_id")
    assert canonical.loc["Z1", "person_record_ids"] == ["1", "2"]
    assert canonical.loc["Z2", "status"] == "afgesloten"
    assert canonical.loc["Z1", "case_type"] == "ots"
    assert str(canonical.loc["Z1", "start_date"]) == "2026-02-01"
    assert per_case.to_dict() == {"Z1": 3, "Z2": 1}
    pa.Table.from_pandas(canonical.reset_index()[REGISTRATION_SCHEMA.names],
                         schema=REGISTRATION_SCHEMA, preserve_index=False)


def test_full_name_and_explicit_columns(make_config):
    datasets = make_config("""
        partners:
          p:
            kind: rest
            connection: {base_url: "http://x"}
            persons:
              endpoint: /p
              fields:
                source_record_id: {column: id}
                first_names: {column: naam, parse: full_name}
                surname_prefix: {column: tv}
                address_confidential: {constant: true}
                role: {constant: child}
    """).partners["p"].datasets
    frame = raw([{"id": "1", "naam": "Jan Piet van der Berg", "tv": None},
                 {"id": "2", "naam": "Anna Berg", "tv": "ter"}])
    rows = map_rows(frame, datasets["persons"], "p", AT).rows
    assert rows[["first_names", "surname_prefix", "surname"]].values.tolist() == [
        ["Jan Piet", "van der", "Berg"], ["Anna", "ter", "Berg"]]
    assert rows["address_confidential"].tolist() == [True, True]
    assert rows["role"].tolist() == ["child", "child"]
