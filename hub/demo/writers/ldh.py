"""Leger des Heils: another relational schema, English-ish column names, dossiers and clients.

``dossiers`` (program JR/AMB/OPV, state, opened/closed) and ``clients`` (one row per client with its
``dossier_id``; dates of birth as text mm/dd/yyyy, an American habit of the vendor; sex M/F/U;
Dutch relation words). A SQLite file by default; loads into PostgreSQL and MariaDB too.
"""

import sqlalchemy as sa

from hub.demo.population import Population
from hub.demo.writers.common import (
    CASE_TYPE,
    ROLE,
    SEX,
    STATUS,
    clean,
    partial_date,
    partner_cases,
    partner_rows,
    spaced_postcode,
    updated_at,
)

PARTNER = "ldh"
FILE_NAME = "ldh.sqlite"

metadata = sa.MetaData()

dossiers = sa.Table(
    "dossiers", metadata,
    sa.Column("dossier_id", sa.String(20), primary_key=True),
    sa.Column("program", sa.String(8), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("opened_on", sa.Date),
    sa.Column("closed_on", sa.Date),
    sa.Column("close_reason", sa.String(120)),
    sa.Column("worker_name", sa.String(120)),
    sa.Column("worker_contact", sa.String(120)),
    sa.Column("updated_at", sa.DateTime(timezone=False), nullable=False),
)

clients = sa.Table(
    "clients", metadata,
    sa.Column("client_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("dossier_id", sa.String(20), sa.ForeignKey("dossiers.dossier_id"), nullable=False),
    sa.Column("relation", sa.String(40), nullable=False),
    sa.Column("first_names", sa.String(120)),
    sa.Column("name_prefix", sa.String(20)),
    sa.Column("last_name", sa.String(120)),
    sa.Column("date_of_birth", sa.String(10)),
    sa.Column("gender", sa.String(1)),
    sa.Column("citizen_service_number", sa.String(9)),
    sa.Column("street", sa.String(120)),
    sa.Column("house_number", sa.Integer),
    sa.Column("house_letter", sa.String(1)),
    sa.Column("house_number_addition", sa.String(4)),
    sa.Column("zip_code", sa.String(7)),
    sa.Column("city", sa.String(80)),
    sa.Column("municipality_code", sa.String(4)),
    sa.Column("updated_at", sa.DateTime(timezone=False), nullable=False),
)


def rows(population: Population) -> dict[str, list[dict]]:
    """Rows per table, dossiers first (clients refer to them)."""
    cases = partner_cases(population, PARTNER)
    case_stamps = updated_at(cases)
    dossier_rows = [
        {
            "dossier_id": c.case_id, "program": CASE_TYPE[PARTNER][c.case_type],
            "state": STATUS[PARTNER][c.status], "opened_on": clean(c.start_date),
            "closed_on": clean(c.end_date), "close_reason": clean(c.end_reason),
            "worker_name": clean(c.case_worker_name),
            "worker_contact": clean(c.case_worker_contact),
            "updated_at": stamp.replace(tzinfo=None),
        }
        for c, stamp in zip(cases.itertuples(index=False), case_stamps, strict=True)
    ]
    people = partner_rows(population, PARTNER)
    stamps = updated_at(people)
    client_rows = [
        {
            "client_id": int(r.source_record_id), "dossier_id": r.case_id,
            "relation": ROLE[PARTNER][r.role], "first_names": clean(r.first_names),
            "name_prefix": clean(r.surname_prefix), "last_name": clean(r.surname),
            "date_of_birth": partial_date(r.birth_date, "mdy", "/"),
            "gender": None if clean(r.sex) is None else SEX[PARTNER][r.sex],
            "citizen_service_number": clean(r.bsn), "street": clean(r.street),
            "house_number": None if clean(r.house_number) is None else int(r.house_number),
            "house_letter": clean(r.house_letter),
            "house_number_addition": clean(r.house_number_suffix),
            "zip_code": spaced_postcode(r.postcode), "city": clean(r.city),
            "municipality_code": clean(r.municipality_code),
            "updated_at": stamp.replace(tzinfo=None),
        }
        for r, stamp in zip(people.itertuples(index=False), stamps, strict=True)
    ]
    return {"dossiers": dossier_rows, "clients": client_rows}
