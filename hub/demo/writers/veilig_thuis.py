"""Veilig Thuis: semicolon CSV in cp1252, Dutch headers, dd-mm-jjjj dates, dropped in a folder.

One row per person per melding (reporters included); the case columns repeat on every row. Two
export files are dropped in ``inbox/``, as a nightly export would: older meldingen and recent ones.
"""

from datetime import date
from pathlib import Path

import pandas as pd

from hub.demo.population import Population
from hub.demo.writers.common import (
    CASE_TYPE,
    ROLE,
    SEX,
    STATUS,
    day,
    ints,
    mapped,
    partial_date,
    partner_rows,
    spaced_postcode,
    texts,
)

PARTNER = "veilig_thuis"
SPLIT_DAY = date(2026, 10, 1)


def native_frame(population: Population) -> pd.DataFrame:
    """The export as Veilig Thuis' system writes it (all values text)."""
    rows = partner_rows(population, PARTNER)
    return pd.DataFrame(
        {
            "Meldingnummer": texts(rows["case_id"]),
            "Soort": mapped(rows["case_type"], CASE_TYPE[PARTNER]),
            "Status": mapped(rows["status"], STATUS[PARTNER]),
            "Datum binnenkomst": [day(v, "%d-%m-%Y") for v in rows["start_date"]],
            "Datum afsluiting": [day(v, "%d-%m-%Y") for v in rows["end_date"]],
            "Reden afsluiting": texts(rows["end_reason"]),
            "Medewerker": texts(rows["case_worker_name"]),
            "Contact medewerker": texts(rows["case_worker_contact"]),
            "Persoonsnummer": texts(rows["source_record_id"]),
            "Rol": mapped(rows["role"], ROLE[PARTNER]),
            "Voornamen": texts(rows["first_names"]),
            "Tussenvoegsel": texts(rows["surname_prefix"]),
            "Achternaam": texts(rows["surname"]),
            "Geboortedatum": [partial_date(v, "dmy", "-") for v in rows["birth_date"]],
            "Geslacht": mapped(rows["sex"], SEX[PARTNER]),
            "BSN": texts(rows["bsn"]),
            "Straat": texts(rows["street"]),
            "Huisnummer": ints(rows["house_number"]),
            "Huisletter": texts(rows["house_letter"]),
            "Toevoeging": texts(rows["house_number_suffix"]),
            "Postcode": [spaced_postcode(v) for v in rows["postcode"]],
            "Woonplaats": texts(rows["city"]),
            "Gemeentecode": texts(rows["municipality_code"]),
        }
    )


def write(population: Population, folder: Path) -> int:
    """Write the export files into ``folder/inbox``; returns the number of person rows."""
    inbox = folder / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    frame = native_frame(population)
    starts = partner_rows(population, PARTNER)["start_date"]
    recent = (starts >= SPLIT_DAY).to_numpy()
    for name, part in (("VT_export_20261001.csv", frame[~recent]),
                       ("VT_export_20261101.csv", frame[recent])):
        part.to_csv(inbox / name, sep=";", index=False, encoding="cp1252", lineterminator="\r\n")
    return len(frame)
