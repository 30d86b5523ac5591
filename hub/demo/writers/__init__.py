"""Native writers: each demo partner system in its own shape, plus the ground truth apart.

``write_partner_systems(population, out)`` writes one folder per partner under ``out`` and the
truth under ``out/_truth`` (never inside a partner folder: the pipeline must not see it).
"""

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from hub.demo.population import PARTNERS, Population
from hub.demo.writers import blijf_groep, jbra, jgb, veilig_thuis, wss
from hub.demo.writers.sql import write_sqlite
from schemas.canonical import PERSON_SCHEMA, REGISTRATION_SCHEMA

TRUTH_DIR = "_truth"

WRITERS: dict[str, Callable[[Population, Path], int]] = {
    "veilig_thuis": veilig_thuis.write,
    "rvdk": lambda population, folder: write_sqlite("rvdk", population, folder),
    "blijf_groep": blijf_groep.write,
    "jbra": jbra.write,
    "wss": wss.write,
    "ldh": lambda population, folder: write_sqlite("ldh", population, folder),
    "jgb": jgb.write,
}
assert tuple(WRITERS) == PARTNERS


def write_partner(population: Population, partner: str, out: Path) -> int:
    """Replace one partner's folder under ``out``; returns the person rows written."""
    folder = Path(out) / partner
    if folder.exists():
        shutil.rmtree(folder)
    return WRITERS[partner](population, folder)


def write_truth(population: Population, out: Path) -> Path:
    """Ground truth and the canonical rows as generated, in ``out/_truth`` (Parquet)."""
    folder = Path(out) / TRUTH_DIR
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pandas(population.truth, preserve_index=False),
                   folder / "truth.parquet")
    pq.write_table(pa.Table.from_pandas(population.persons, schema=PERSON_SCHEMA,
                                        preserve_index=False), folder / "persons.parquet")
    pq.write_table(pa.Table.from_pandas(population.registrations, schema=REGISTRATION_SCHEMA,
                                        preserve_index=False), folder / "registrations.parquet")
    manifest = {
        "households": population.households,
        "seed": population.seed,
        "profile": population.profile,
        "person_rows": len(population.persons),
        "registrations": len(population.registrations),
        "per_partner": population.persons["source"].value_counts().sort_index().to_dict(),
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return folder


def write_partner_systems(population: Population, out: Path,
                          on_partner: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Write all seven partner systems and the truth; returns person rows per partner."""
    counts = {}
    for partner in PARTNERS:
        counts[partner] = write_partner(population, partner, out)
        if on_partner:
            on_partner(partner, counts[partner])
    write_truth(population, out)
    return counts
