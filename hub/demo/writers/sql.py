"""Load the relational demo partners (rvdk, ldh) into any SQLAlchemy database.

The demo writes SQLite files; connector tests load the same schemas into PostgreSQL and MariaDB.
Only SQLAlchemy Core is used (no dialect SQL), so one schema definition serves all three.
"""

from pathlib import Path
from types import ModuleType

import sqlalchemy as sa

from foundation.errors import ConfigError
from hub.demo.population import Population
from hub.demo.writers import ldh, rvdk

SQL_PARTNERS: dict[str, ModuleType] = {"rvdk": rvdk, "ldh": ldh}
BATCH = 5000


def _module(partner: str) -> ModuleType:
    if partner not in SQL_PARTNERS:
        raise ConfigError(f"not a SQL demo partner; use one of {sorted(SQL_PARTNERS)}",
                          partner=partner)
    return SQL_PARTNERS[partner]


def _rows_from_sqlite(module: ModuleType, folder: Path) -> dict[str, list[dict]]:
    """Read the tables back from a demo SQLite file written earlier."""
    path = Path(folder)
    if path.is_dir():
        path = path / module.PARTNER / module.FILE_NAME if not (path / module.FILE_NAME).exists() \
            else path / module.FILE_NAME
    if not path.exists():
        raise ConfigError("demo database not found; run `hub demo-data` first",
                          partner=module.PARTNER, origin=str(path))
    engine = sa.create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            return {
                table.name: [dict(row._mapping) for row in conn.execute(sa.select(table))]
                for table in module.metadata.sorted_tables
            }
    finally:
        engine.dispose()


def load_sql_partner(partner: str, population_or_dir: Population | Path | str, url: str,
                     ) -> dict[str, int]:
    """Create the partner's tables at ``url`` and fill them; returns rows per table.

    ``population_or_dir`` is a generated population, or a folder written by ``hub demo-data``
    (the partners folder or the partner's own folder) whose SQLite file is copied.
    """
    module = _module(partner)
    if isinstance(population_or_dir, Population):
        data = module.rows(population_or_dir)
    else:
        data = _rows_from_sqlite(module, Path(population_or_dir))
    engine = sa.create_engine(url)
    try:
        module.metadata.drop_all(engine)
        module.metadata.create_all(engine)
        with engine.begin() as conn:
            for table in module.metadata.sorted_tables:
                records = data[table.name]
                for start in range(0, len(records), BATCH):
                    conn.execute(table.insert(), records[start:start + BATCH])
    finally:
        engine.dispose()
    return {name: len(records) for name, records in data.items()}


def write_sqlite(partner: str, population: Population, folder: Path) -> int:
    """Write ``folder/<partner>.sqlite`` from scratch; returns the number of person rows."""
    module = _module(partner)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / module.FILE_NAME
    path.unlink(missing_ok=True)
    counts = load_sql_partner(partner, population, f"sqlite:///{path}")
    return counts["personen" if partner == "rvdk" else "clients"]
