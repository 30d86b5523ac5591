"""The relational demo partners load into PostgreSQL and MariaDB with the same schema."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from foundation.errors import ConfigError
from hub.demo import generate_population
from hub.demo.writers.sql import load_sql_partner, write_sqlite


@pytest.fixture(scope="module")
def population():
    return generate_population(80, seed=9)


def _count(url: str, table: str) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        n = conn.execute(sa.select(sa.func.count()).select_from(sa.table(table))).scalar_one()
    engine.dispose()
    return n


@pytest.mark.postgres
@pytest.mark.parametrize("partner", ["rvdk", "ldh"])
def test_sql_partner_loads_into_postgresql(partner: str, population, pg_url: str) -> None:
    counts = load_sql_partner(partner, population, pg_url)
    for table, n in counts.items():
        assert _count(pg_url, table) == n
    people = "personen" if partner == "rvdk" else "clients"
    assert counts[people] == (population.persons["source"] == partner).sum()


@pytest.mark.mariadb
@pytest.mark.parametrize("partner", ["rvdk", "ldh"])
def test_sql_partner_loads_into_mariadb(partner: str, population, mariadb_url: str) -> None:
    counts = load_sql_partner(partner, population, mariadb_url)
    for table, n in counts.items():
        assert _count(mariadb_url, table) == n


@pytest.mark.mariadb
def test_names_with_turkish_and_polish_letters_survive_mariadb(population, mariadb_url: str
                                                               ) -> None:
    load_sql_partner("rvdk", population, mariadb_url)
    engine = sa.create_engine(mariadb_url)
    with engine.connect() as conn:
        stored = set(conn.execute(sa.text("SELECT geslachtsnaam FROM personen")).scalars())
    engine.dispose()
    expected = set(population.persons.query("source == 'rvdk'")["surname"].dropna())
    assert stored == expected


def test_a_written_sqlite_file_can_be_copied_into_another_database(population, tmp_path: Path
                                                                   ) -> None:
    write_sqlite("ldh", population, tmp_path / "ldh")
    target = f"sqlite:///{tmp_path / 'copy.sqlite'}"
    counts = load_sql_partner("ldh", tmp_path, target)
    assert counts["clients"] == (population.persons["source"] == "ldh").sum()
    assert _count(target, "dossiers") == counts["dossiers"]


def test_only_sql_partners_can_be_loaded(population, tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        load_sql_partner("wss", population, f"sqlite:///{tmp_path / 'x.sqlite'}")
