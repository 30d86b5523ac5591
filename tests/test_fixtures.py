"""The database fixtures give isolated, working databases (other tests rely on them)."""

import sqlalchemy as sa


def test_pg_schema_is_isolated(pg_url: str) -> None:
    engine = sa.create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE probe (id int)"))
        schema = conn.execute(sa.text("SELECT current_schema()")).scalar_one()
    engine.dispose()
    assert schema.startswith("t_")


def test_mariadb_database_is_isolated(mariadb_url: str) -> None:
    engine = sa.create_engine(mariadb_url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE probe (id int)"))
        name = conn.execute(sa.text("SELECT DATABASE()")).scalar_one()
    engine.dispose()
    assert name.startswith("t_")
