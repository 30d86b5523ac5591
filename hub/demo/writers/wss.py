"""William Schrikker Stichting: an XLSX export with two sheets, "Clienten" and "Maatregelen".

Its own habits: the name as one field "Berg, van der"; house number combined "12a-2"; dates of birth
as text jjjjmmdd (``00`` for an unknown day or month); BSN stored as a number, so leading zeros are
lost; sex as 1/2/0; start and end dates as real Excel dates. "Maatregelen" lists the client numbers
of each measure, separated by ``;``.
"""

from pathlib import Path

from openpyxl import Workbook

from hub.demo.population import Population
from hub.demo.writers.common import (
    CASE_TYPE,
    ROLE,
    SEX,
    STATUS,
    clean,
    house_number_text,
    partial_date,
    partner_cases,
    partner_rows,
)

PARTNER = "wss"
CLIENT_HEADERS = ("Clientnummer", "Dossiernummer", "Naam", "Voornamen", "Geboortedatum", "Geslacht",
                  "BSN", "Relatie", "Adres", "Huisnummer", "Postcode", "Woonplaats")
MEASURE_HEADERS = ("Dossiernummer", "Maatregel", "Status", "Ingangsdatum", "Einddatum",
                   "Reden beëindiging", "Jeugdbeschermer", "Telefoon/e-mail", "Clientnummers")


def combined_name(prefix: object, surname: object) -> str | None:
    """'van der', 'Berg' -> 'Berg, van der' (the WSS name field)."""
    prefix, surname = clean(prefix), clean(surname)
    if surname is None:
        return None
    return f"{surname}, {prefix}" if prefix else surname


def _bsn_cell(bsn: object) -> int | str | None:
    bsn = clean(bsn)
    if bsn is None:
        return None
    return int(bsn) if bsn.isdigit() else bsn


def client_rows(population: Population) -> list[tuple]:
    """The "Clienten" sheet rows."""
    rows = partner_rows(population, PARTNER)
    out = []
    for r in rows.itertuples(index=False):
        out.append((
            r.source_record_id, r.case_id, combined_name(r.surname_prefix, r.surname),
            clean(r.first_names), partial_date(r.birth_date, "ymd", ""),
            None if clean(r.sex) is None else SEX[PARTNER][r.sex], _bsn_cell(r.bsn),
            ROLE[PARTNER][r.role], clean(r.street),
            house_number_text(r.house_number, r.house_letter, r.house_number_suffix),
            clean(r.postcode), clean(r.city),
        ))
    return out


def measure_rows(population: Population) -> list[tuple]:
    """The "Maatregelen" sheet rows."""
    cases = partner_cases(population, PARTNER)
    return [
        (c.case_id, CASE_TYPE[PARTNER][c.case_type], STATUS[PARTNER][c.status], clean(c.start_date),
         clean(c.end_date), clean(c.end_reason), clean(c.case_worker_name),
         clean(c.case_worker_contact), ";".join(c.person_record_ids))
        for c in cases.itertuples(index=False)
    ]


def write(population: Population, folder: Path) -> int:
    """Write ``folder/inbox/WSS_export_<day>.xlsx``; returns the number of client rows."""
    inbox = folder / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    book = Workbook(write_only=True)
    clients = book.create_sheet("Clienten")
    clients.append(CLIENT_HEADERS)
    rows = client_rows(population)
    for row in rows:
        clients.append(row)
    measures = book.create_sheet("Maatregelen")
    measures.append(MEASURE_HEADERS)
    for row in measure_rows(population):
        measures.append(row)
    book.save(inbox / "WSS_export_20261101.xlsx")
    return len(rows)
