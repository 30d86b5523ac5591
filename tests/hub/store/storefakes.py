"""Synthetic canonical records for the store tests (no real people; fixed seeds)."""

import hashlib
import random
from datetime import UTC, datetime

import pandas as pd
import pyarrow as pa

from schemas.canonical import PERSON_SCHEMA, REGISTRATION_SCHEMA

FIRST = ["Daan", "Sem", "Lotte", "Emma", "Noah", "Julia", "Liam", "Mila", "Finn", "Sara", "Lucas",
         "Tess", "Levi", "Zoë", "Bram", "Nina", "Jesse", "Fleur", "Thijs", "Anouk"]
SURNAMES = [("", "Jansen"), ("de", "Vries"), ("van den", "Berg"), ("", "Bakker"), ("", "Visser"),
            ("", "Smit"), ("", "Meijer"), ("de", "Boer"), ("", "Mulder"), ("de", "Groot"),
            ("", "Bos"), ("", "Vos"), ("", "Peters"), ("", "Hendriks"), ("van", "Leeuwen")]
STREETS = ["Westzijde", "Oostzijde", "Dam", "Peperstraat", "Vinkenstraat", "Gedempte Gracht"]
SOURCES = ["veilig_thuis", "rvdk", "jbra", "wss", "blijf_groep", "ldh", "jgb"]
EXTRACTED = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)


def valid_bsn(n: int) -> str:
    """A BSN passing the elfproef, derived from ``n``."""
    base = 100_000_000 + n * 100
    while True:
        digits = f"{base:09d}"
        total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
        if (total - int(digits[8])) % 11 == 0:
            return digits
        base += 1


def _hash(row: dict) -> str:
    return hashlib.sha256(repr(sorted(row.items())).encode()).hexdigest()


def people(n_families: int, seed: int = 7) -> list[dict]:
    """Ground-truth people in families: a parent and one or two children each."""
    rng = random.Random(seed)
    out = []
    for f in range(n_families):
        prefix, surname = SURNAMES[f % len(SURNAMES)]
        surname = f"{surname}{'' if f < len(SURNAMES) else f}"
        street, number = rng.choice(STREETS), rng.randint(1, 200)
        members = [("parent_with_custody", 1980 + f % 15)] + [
            ("child", 2010 + (f + k) % 12) for k in range(1 + f % 2)
        ]
        for m, (role, year) in enumerate(members):
            out.append({
                "truth": f"T{f:05d}-{m}", "family": f"F{f:05d}",
                "bsn": valid_bsn(f * 10 + m), "first_names": FIRST[(f * 3 + m) % len(FIRST)],
                "surname_prefix": prefix or None, "surname": surname,
                "birth_date": f"{year}-{1 + (f + m) % 12:02d}-{1 + (f * 7 + m) % 28:02d}",
                "sex": "MV"[(f + m) % 2], "street": street, "house_number": number,
                "postcode": f"{1500 + f % 9}AB", "city": "Zaandam", "municipality_code": "0479",
                "role": role,
            })
    return out


def persons_frame(truth: list[dict], sources: list[str] | None = None,
                  confidential_sources: tuple[str, ...] = ("blijf_groep",)) -> pd.DataFrame:
    """Each true person appears in one or two partner systems (canonical person rows)."""
    sources = sources or SOURCES
    rows = []
    for i, t in enumerate(truth):
        partners = [sources[i % len(sources)]]
        if i % 3 == 0:
            partners.append(sources[(i + 2) % len(sources)])
        for p in partners:
            row = {k: v for k, v in t.items() if k not in ("truth", "family")}
            row.update(source=p, source_record_id=f"{p[:3].upper()}-{t['truth']}",
                       source_household_ref=f"{p[:3]}-{t['family']}",
                       house_letter=None, house_number_suffix=None,
                       address_confidential=p in confidential_sources,
                       extracted_at=EXTRACTED, origin=f"{p}/export.csv", origin_row=i + 1)
            row["content_hash"] = _hash({k: v for k, v in row.items() if k != "extracted_at"})
            rows.append(row)
    table = pa.Table.from_pylist(rows, schema=PERSON_SCHEMA)
    return table.to_pandas()


def registrations_frame(persons: pd.DataFrame) -> pd.DataFrame:
    """One case per (partner, family) naming its person records."""
    rows = []
    for (source, ref), group in persons.groupby(["source", "source_household_ref"], sort=True):
        row = {"source": source, "case_id": f"CASE-{ref}",
               "person_record_ids": sorted(group["source_record_id"]), "case_type": "melding",
               "status": "lopend", "start_date": datetime(2026, 3, 1).date(), "end_date": None,
               "end_reason": None, "case_worker_name": "Pim Werker",
               "case_worker_contact": "pim@example.org", "extracted_at": EXTRACTED,
               "origin": f"{source}/cases.csv", "origin_row": len(rows) + 1}
        row["content_hash"] = _hash({k: v for k, v in row.items() if k != "extracted_at"})
        rows.append(row)
    return pa.Table.from_pylist(rows, schema=REGISTRATION_SCHEMA).to_pandas()
