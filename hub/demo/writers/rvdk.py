"""Raad voor de Kinderbescherming: a relational database with persons and cases in separate tables.

``personen`` (BRP-like columns, Dutch names, all given names, ISO birth date as text with ``00`` for
unknown parts, ``adres_geheim`` flag), ``zaken`` (the onderzoeken) and the link table
``zaak_betrokkenen`` (zaak, persoon, rol). A SQLite file by default; the same schema loads into
PostgreSQL and MariaDB (:func:`hub.demo.writers.sql.load_sql_partner`).
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
    updated_at,
)

PARTNER = "rvdk"
FILE_NAME = "rvdk.sqlite"

metadata = sa.MetaData()

personen = sa.Table(
    "personen", metadata,
    sa.Column("persoon_id", sa.String(20), primary_key=True),
    sa.Column("bsn", sa.String(9)),
    sa.Column("voornamen", sa.String(120)),
    sa.Column("voorvoegsel", sa.String(20)),
    sa.Column("geslachtsnaam", sa.String(120)),
    sa.Column("geboortedatum", sa.String(10)),
    sa.Column("geslacht", sa.String(1)),
    sa.Column("straat", sa.String(120)),
    sa.Column("huisnummer", sa.Integer),
    sa.Column("huisletter", sa.String(1)),
    sa.Column("huisnummertoevoeging", sa.String(4)),
    sa.Column("postcode", sa.String(6)),
    sa.Column("woonplaats", sa.String(80)),
    sa.Column("gemeentecode", sa.String(4)),
    sa.Column("adres_geheim", sa.Boolean, nullable=False),
    sa.Column("gewijzigd_op", sa.DateTime(timezone=False), nullable=False),
)

zaken = sa.Table(
    "zaken", metadata,
    sa.Column("zaak_id", sa.String(20), primary_key=True),
    sa.Column("zaaktype", sa.String(4), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("startdatum", sa.Date),
    sa.Column("einddatum", sa.Date),
    sa.Column("reden_beeindiging", sa.String(120)),
    sa.Column("raadsonderzoeker", sa.String(120)),
    sa.Column("contact", sa.String(120)),
    sa.Column("gewijzigd_op", sa.DateTime(timezone=False), nullable=False),
)

zaak_betrokkenen = sa.Table(
    "zaak_betrokkenen", metadata,
    sa.Column("zaak_id", sa.String(20), sa.ForeignKey("zaken.zaak_id"), primary_key=True),
    sa.Column("persoon_id", sa.String(20), sa.ForeignKey("personen.persoon_id"),
              primary_key=True),
    sa.Column("rol", sa.String(40), nullable=False),
)


def rows(population: Population) -> dict[str, list[dict]]:
    """Rows per table, parents before children (the foreign keys need that order)."""
    people = partner_rows(population, PARTNER)
    stamps = updated_at(people)
    persons = [
        {
            "persoon_id": r.source_record_id, "bsn": clean(r.bsn),
            "voornamen": clean(r.first_names), "voorvoegsel": clean(r.surname_prefix),
            "geslachtsnaam": clean(r.surname),
            "geboortedatum": partial_date(r.birth_date, "ymd", "-"),
            "geslacht": None if clean(r.sex) is None else SEX[PARTNER][r.sex],
            "straat": clean(r.street),
            "huisnummer": None if clean(r.house_number) is None else int(r.house_number),
            "huisletter": clean(r.house_letter), "huisnummertoevoeging":
            clean(r.house_number_suffix), "postcode": clean(r.postcode),
            "woonplaats": clean(r.city), "gemeentecode": clean(r.municipality_code),
            "adres_geheim": bool(r.address_confidential),
            "gewijzigd_op": stamp.replace(tzinfo=None),
        }
        for r, stamp in zip(people.itertuples(index=False), stamps, strict=True)
    ]
    cases = partner_cases(population, PARTNER)
    case_stamps = updated_at(cases)
    case_rows = [
        {
            "zaak_id": c.case_id, "zaaktype": CASE_TYPE[PARTNER][c.case_type],
            "status": STATUS[PARTNER][c.status], "startdatum": clean(c.start_date),
            "einddatum": clean(c.end_date), "reden_beeindiging": clean(c.end_reason),
            "raadsonderzoeker": clean(c.case_worker_name),
            "contact": clean(c.case_worker_contact),
            "gewijzigd_op": stamp.replace(tzinfo=None),
        }
        for c, stamp in zip(cases.itertuples(index=False), case_stamps, strict=True)
    ]
    links = [
        {"zaak_id": r.case_id, "persoon_id": r.source_record_id, "rol": ROLE[PARTNER][r.role]}
        for r in people.itertuples(index=False)
    ]
    return {"personen": persons, "zaken": case_rows, "zaak_betrokkenen": links}
