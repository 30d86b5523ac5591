"""Shared helpers of the native writers: dates, house numbers, vocabularies and case columns.

Each partner writes the same canonical facts in its own shape. The vocabularies here are the raw
words each partner's system uses; ``connectors/partners.yaml`` maps them back (a test checks that
every word written is mapped).
"""

from datetime import UTC, date, datetime, timedelta

import pandas as pd

from hub.demo.population import Population

SNAPSHOT_DAY = "20261101"

SEX = {
    "veilig_thuis": {"M": "man", "V": "vrouw", "X": "onbekend"},
    "rvdk": {"M": "M", "V": "V", "X": "O"},
    "blijf_groep": {"M": "m", "V": "v", "X": "x"},
    "jbra": {"M": "male", "V": "female", "X": "unknown"},
    "wss": {"M": 1, "V": 2, "X": 0},
    "ldh": {"M": "M", "V": "F", "X": "U"},
    "jgb": {"M": "jongen/man", "V": "meisje/vrouw", "X": "anders"},
}

ROLE = {
    "veilig_thuis": {
        "child": "Kind", "parent_with_custody": "Ouder", "parent_without_custody":
        "Ouder zonder gezag", "step_parent": "Stiefouder", "foster_parent": "Pleegouder",
        "guardian": "Voogd", "partner": "Partner", "ex_partner": "Ex-partner",
        "alleged_perpetrator": "Vermoedelijke pleger", "victim": "Slachtoffer",
        "household_member": "Gezinslid", "reporter": "Melder",
    },
    "rvdk": {
        "child": "minderjarige", "parent_with_custody": "ouder met gezag",
        "parent_without_custody": "ouder zonder gezag", "step_parent": "stiefouder",
        "foster_parent": "pleegouder", "guardian": "voogd", "partner": "partner",
        "ex_partner": "ex-partner", "alleged_perpetrator": "vermoedelijke pleger",
        "victim": "slachtoffer", "household_member": "huisgenoot", "reporter": "melder",
    },
    "blijf_groep": {
        "child": "kind", "parent_with_custody": "ouder", "parent_without_custody":
        "ouder zonder gezag", "step_parent": "stiefouder", "foster_parent": "pleegouder",
        "guardian": "voogd", "partner": "partner", "ex_partner": "ex-partner",
        "alleged_perpetrator": "pleger", "victim": "cliënt", "household_member": "huisgenoot",
        "reporter": "verwijzer",
    },
    "jbra": {
        "child": "jeugdige", "parent_with_custody": "gezaghebbende ouder",
        "parent_without_custody": "niet-gezaghebbende ouder", "step_parent": "stiefouder",
        "foster_parent": "pleegouder", "guardian": "voogd", "partner": "partner",
        "ex_partner": "ex-partner", "alleged_perpetrator": "pleger", "victim": "slachtoffer",
        "household_member": "gezinslid", "reporter": "melder",
    },
    "wss": {
        "child": "Jeugdige", "parent_with_custody": "Ouder (gezag)",
        "parent_without_custody": "Ouder (geen gezag)", "step_parent": "Stiefouder",
        "foster_parent": "Pleegouder", "guardian": "Voogd", "partner": "Partner ouder",
        "ex_partner": "Ex-partner", "alleged_perpetrator": "Pleger", "victim": "Slachtoffer",
        "household_member": "Overig gezinslid", "reporter": "Melder",
    },
    "ldh": {
        "child": "jongere", "parent_with_custody": "ouder/verzorger",
        "parent_without_custody": "ouder zonder gezag", "step_parent": "stiefouder",
        "foster_parent": "pleegouder", "guardian": "voogd", "partner": "partner",
        "ex_partner": "ex-partner", "alleged_perpetrator": "pleger", "victim": "slachtoffer",
        "household_member": "huisgenoot", "reporter": "melder",
    },
    "jgb": {
        "child": "kind", "parent_with_custody": "ouder met gezag",
        "parent_without_custody": "ouder zonder gezag", "step_parent": "stiefouder",
        "foster_parent": "pleegouder", "guardian": "voogd", "partner": "partner",
        "ex_partner": "ex-partner", "alleged_perpetrator": "pleger", "victim": "slachtoffer",
        "household_member": "gezinslid", "reporter": "melder",
    },
}

CASE_TYPE = {
    "veilig_thuis": {"melding": "Melding", "advies": "Advies"},
    "rvdk": {"beschermingsonderzoek": "BO", "onderzoek": "OZ"},
    "blijf_groep": {"opvang": "Opvang", "ambulante_hulp": "Ambulant"},
    "jbra": {"ots": "OTS", "voorlopige_ots": "VOTS", "voogdij": "VOOGDIJ",
             "jeugdreclassering": "JR"},
    "wss": {"ots": "Ondertoezichtstelling", "voogdij": "Voogdij",
            "jeugdreclassering": "Jeugdreclassering"},
    "ldh": {"jeugdreclassering": "JR", "ambulante_hulp": "AMB", "opvang": "OPV"},
    "jgb": {"ots": "ots", "voorlopige_ots": "vots", "voogdij": "voogdij",
            "jeugdreclassering": "jr"},
}

STATUS = {
    "veilig_thuis": {"aangemeld": "Nieuw", "lopend": "In behandeling", "afgesloten": "Afgesloten"},
    "rvdk": {"aangemeld": "aangemeld", "lopend": "in onderzoek", "afgesloten": "afgerond"},
    "blijf_groep": {"aangemeld": "Aanmelding", "lopend": "In zorg", "afgesloten": "Uitgestroomd"},
    "jbra": {"aangemeld": "registered", "lopend": "active", "afgesloten": "closed"},
    "wss": {"aangemeld": "Aangemeld", "lopend": "Actief", "afgesloten": "Beëindigd"},
    "ldh": {"aangemeld": "intake", "lopend": "open", "afgesloten": "closed"},
    "jgb": {"aangemeld": "aangemeld", "lopend": "lopend", "afgesloten": "afgesloten"},
}


def partner_rows(population: Population, partner: str) -> pd.DataFrame:
    """The partner's person rows joined with the columns of the case they belong to."""
    persons = population.persons[population.persons["source"] == partner]
    cases = population.registrations[population.registrations["source"] == partner]
    cases = cases.drop(columns=["source", "person_record_ids", "extracted_at", "origin",
                                "origin_row", "content_hash"])
    merged = persons.merge(cases, left_on="source_household_ref", right_on="case_id", how="left",
                           validate="many_to_one")
    return merged.reset_index(drop=True)


def partner_cases(population: Population, partner: str) -> pd.DataFrame:
    """The partner's registrations (one row per case)."""
    regs = population.registrations
    return regs[regs["source"] == partner].reset_index(drop=True)


def missing(value: object) -> bool:
    """True for None, NaN and pandas NA."""
    return value is None or (not isinstance(value, str | list) and bool(pd.isna(value)))


def clean(value: object) -> object:
    """None for missing values, the value otherwise (for writers that need Python objects)."""
    return None if missing(value) else value


def partial_date(iso: object, order: str, sep: str) -> str | None:
    """Write a reduced-precision ISO date as ``order`` (e.g. "dmy", "mdy", "ymd") with ``00`` for
    unknown parts, the way partner systems keep a year-only date of birth."""
    if missing(iso):
        return None
    parts = str(iso).split("-")
    y, m, d = parts[0], parts[1] if len(parts) > 1 else "00", parts[2] if len(parts) > 2 else "00"
    by_code = {"y": y, "m": m, "d": d}
    return sep.join(by_code[c] for c in order)


def day(value: object, fmt: str) -> str | None:
    """A full date (registration start or end) in a partner's format."""
    if missing(value):
        return None
    return value.strftime(fmt)


def house_number_text(number: object, letter: object, suffix: object) -> str | None:
    """12, 'a', '2' -> '12a-2': the combined house number field of older systems."""
    if missing(number):
        return None
    text = f"{int(number)}{'' if missing(letter) else letter}"
    return text if missing(suffix) else f"{text}-{suffix}"


def spaced_postcode(postcode: object, lower: bool = False) -> str | None:
    """1501AB -> '1501 AB' (or '1501 ab'): how people type postcodes."""
    if missing(postcode):
        return None
    text = f"{postcode[:4]} {postcode[4:]}"
    return text.lower() if lower else text


def updated_at(frame: pd.DataFrame) -> pd.Series:
    """A plausible last-modified time per row: the case end, else its start, plus some hours."""
    base = frame["end_date"].where(frame["end_date"].notna(), frame["start_date"])
    hours = (pd.util.hash_pandas_object(frame["case_id"], index=False).to_numpy() % 200).astype(
        int)
    out = [
        datetime.combine(b, datetime.min.time(), tzinfo=UTC) + timedelta(hours=int(h) % 200)
        if isinstance(b, date) else datetime(2026, 10, 1, tzinfo=UTC)
        for b, h in zip(base.tolist(), hours, strict=True)
    ]
    latest = datetime(2026, 11, 1, 5, 0, tzinfo=UTC)
    return pd.Series([min(t, latest) for t in out], index=frame.index)


def mapped(series: pd.Series, vocabulary: dict) -> list:
    """Canonical values to the partner's raw words (missing stays missing)."""
    return [None if missing(v) else vocabulary[v] for v in series.tolist()]


def texts(series: pd.Series) -> list:
    """Column values as Python objects with None for missing."""
    return [clean(v) for v in series.tolist()]


def ints(series: pd.Series) -> pd.api.extensions.ExtensionArray:
    """Nullable integers (written without a trailing .0)."""
    return pd.array([None if missing(v) else int(v) for v in series.tolist()], dtype="Int64")


