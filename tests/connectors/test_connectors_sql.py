"""SQL connector against SQLite, PostgreSQL and MariaDB: chunks, watermark, table or query."""

import datetime as dt

import pytest
import sqlalchemy as sa

from connectors.extract import extract_all, extract_partner
from connectors.sql import read_sql
from connectors.staging import read_staging
from foundation.errors import SourceUnavailableError
from hub.demo.services import demo_services

SQL_PARTNER = """
scope: {municipality_codes: ["0479"]}
partners:
  rvdk:
    kind: sql
    connection: {url: "${DB_URL}"}
    persons:
      %(where)s
      watermark: gewijzigd
      fields:
        source_record_id: {column: persoon_id}
        bsn: {column: bsn}
        first_names: {column: voornamen}
        surname: {column: achternaam, parse: surname_with_prefix}
        birth_date: {column: geboortedatum}
        municipality_code: {column: gemeente}
        address_confidential: {column: adres_geheim}
        role: {column: rol, values: {jeugdige: child, ouder: parent_with_custody}}
    registrations:
      table: zaken
      fields:
        case_id: {column: zaak_id}
        person_record_ids: {column: personen, parse: list, separator: "|"}
        case_type: {column: soort, values: {raadsonderzoek: beschermingsonderzoek}}
        start_date: {column: begin}
"""

metadata = sa.MetaData()
personen = sa.Table(
    "personen", metadata,
    sa.Column("persoon_id", sa.Integer, primary_key=True),
    sa.Column("bsn", sa.Integer),  # a numeric column: leading zeros are lost at the source
    sa.Column("voornamen", sa.String(100)),
    sa.Column("achternaam", sa.String(100)),
    sa.Column("geboortedatum", sa.Date),
    sa.Column("gemeente", sa.String(4)),
    sa.Column("adres_geheim", sa.Boolean),
    sa.Column("rol", sa.String(20)),
    sa.Column("gewijzigd", sa.DateTime),
)
zaken = sa.Table(
    "zaken", metadata,
    sa.Column("zaak_id", sa.String(20), primary_key=True),
    sa.Column("personen", sa.String(200)),
    sa.Column("soort", sa.String(40)),
    sa.Column("begin", sa.Date),
)
T0 = dt.datetime(2026, 1, 1, 9, 0, 0)


def person(i: int, gemeente: str = "0479") -> dict:
    return {"persoon_id": i, "bsn": 12345678 + i, "voornamen": "Sanne", "achternaam": "de Vries",
            "geboortedatum": dt.date(2014, 3, 7), "gemeente": gemeente, "adres_geheim": i % 2 == 0,
            "rol": "jeugdige", "gewijzigd": T0 + dt.timedelta(minutes=i)}


@pytest.fixture(params=["sqlite", "postgres", "mariadb"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'rvdk.sqlite'}"
    return request.getfixturevalue("pg_url" if request.param == "postgres" else "mariadb_url")


def seed(url: str, ids: range, gemeente: str = "0479") -> None:
    engine = sa.create_engine(url)
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(personen.insert(), [person(i, gemeente) for i in ids])
    engine.dispose()


@pytest.mark.parametrize("where", ["table: personen",
                                   "query: \"SELECT * FROM personen WHERE rol <> 'x'\""],
                         ids=["table", "query"])
def test_incremental_runs_pick_up_only_new_rows(make_config, hub_settings, db_url, where):
    seed(db_url, range(1, 6))
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(zaken.insert(), [{"zaak_id": "Z1", "personen": "1|2",
                                       "soort": "Raadsonderzoek", "begin": dt.date(2026, 1, 5)}])
    config = make_config(SQL_PARTNER % {"where": where}, environ={"DB_URL": db_url})
    first = extract_partner("rvdk", config, hub_settings, "r1")
    assert first.counts["persons"].read == 5 and first.counts["persons"].reconciled
    row = first.persons.set_index("source_record_id").loc["1"]
    assert row["bsn"] == "012345679"  # zero-padded back to 9 digits
    assert row["surname_prefix"] == "de" and row["surname"] == "Vries"
    assert row["birth_date"] == "2014-03-07" and row["role"] == "child"
    assert first.registrations["person_record_ids"].tolist() == [["1", "2"]]
    assert first.registrations["case_type"].tolist() == ["beschermingsonderzoek"]

    seed(db_url, range(6, 9))
    with engine.begin() as conn:  # an update moves the watermark of an old row
        conn.execute(personen.update().where(personen.c.persoon_id == 2).values(
            voornamen="Sanne Maria", gewijzigd=T0 + dt.timedelta(days=1)))
    engine.dispose()
    second = extract_partner("rvdk", config, hub_settings, "r2")
    assert sorted(second.persons["source_record_id"]) == ["2", "6", "7", "8"]
    staged = read_staging(hub_settings, "rvdk", "persons").set_index("source_record_id")
    assert len(staged) == 8 and staged.loc["2", "first_names"] == "Sanne Maria"
    assert extract_partner("rvdk", config, hub_settings, "r3").counts["persons"].read == 0


def test_rows_stream_in_chunks(make_config, db_url):
    seed(db_url, range(1, 8))
    config = make_config(SQL_PARTNER % {"where": "table: personen"}, environ={"DB_URL": db_url})
    partner = config.partners["rvdk"]
    (delivery,) = read_sql(partner, partner.datasets["persons"], {}, chunk_size=3)
    sizes = [len(chunk) for chunk in delivery.chunks]
    assert sizes == [3, 3, 1]
    assert delivery.state["watermark"] == {"type": "datetime",
                                           "value": (T0 + dt.timedelta(minutes=7)).isoformat()}


def test_out_of_scope_rows_are_counted_not_stored(make_config, hub_settings, tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    seed(url, range(1, 4))
    seed(url, range(4, 6), gemeente="0363")  # Amsterdam: outside the proeftuin
    config = make_config(SQL_PARTNER % {"where": "table: personen"}, environ={"DB_URL": url})
    counts = extract_partner("rvdk", config, hub_settings, "r1").counts["persons"]
    assert (counts.read, counts.staged, counts.out_of_scope) == (5, 3, 2)
    staged = read_staging(hub_settings, "rvdk", "persons")
    assert sorted(staged["source_record_id"]) == ["1", "2", "3"]


def test_a_partner_that_is_down_fails_alone(make_config, hub_settings, tmp_path):
    good = f"sqlite:///{tmp_path / 'good.sqlite'}"
    seed(good, range(1, 3))
    text = SQL_PARTNER % {"where": "table: personen"}
    down = text.replace("  rvdk:", "  down:").replace("${DB_URL}", "${DOWN_URL}")
    both = text + down[down.index("  down:"):]
    config = make_config(both, environ={
        "DB_URL": good, "DOWN_URL": "postgresql+psycopg2://nobody@127.0.0.1:1/none"})
    report = extract_all(config, hub_settings, services=demo_services)
    assert set(report.results) == {"rvdk"} and set(report.errors) == {"down"}
    error = report.errors["down"]
    assert isinstance(error, SourceUnavailableError)
    assert error.partner == "down" and error.origin == "personen"
    assert not report.ok


def test_missing_sqlite_file_is_unavailable_and_not_created(make_config, hub_settings, tmp_path):
    path = tmp_path / "absent.sqlite"
    config = make_config(SQL_PARTNER % {"where": "table: personen"},
                         environ={"DB_URL": f"sqlite:///{path}"})
    with pytest.raises(SourceUnavailableError, match="does not exist"):
        extract_partner("rvdk", config, hub_settings, "r1")
    assert not path.exists()
