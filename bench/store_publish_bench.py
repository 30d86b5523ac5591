"""Measure publishing alone (no matching) at region size or 1M records.

Run: .venv/bin/python bench/store_publish_bench.py 85000 [URL]
Publishes four times into a fresh store: first, unchanged, 1% of the records corrected, every
record changed (a new content hash). Prints wall and CPU seconds per publish, the peak memory
(ru_maxrss) and the load average; asserts nothing.
"""

import os
import resource
import shutil
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from hub.store.engine import open_store
from hub.store.publish import publish

BENCH_DIR = Path(os.environ.get("STORE_BENCH_DIR", "/tmp/store-bench"))
"""Scratch folder (SQLite store, snapshots); replaced on every SQLite run."""


@dataclass
class Result:
    assignments: pd.DataFrame
    links: pd.DataFrame
    review: pd.DataFrame = field(default_factory=pd.DataFrame)
    events: pd.DataFrame = field(default_factory=pd.DataFrame)
    household_links: pd.DataFrame = field(default_factory=pd.DataFrame)
    stats: dict = field(default_factory=dict)
    config_version: str = "bench"


def frames(n: int, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame, Result]:
    rng = np.random.default_rng(seed)
    sources = np.array(["veilig_thuis", "rvdk", "jbra", "wss", "blijf_groep", "ldh", "jgb"])
    src = sources[rng.integers(0, 7, n)]
    ids = pd.Series(np.arange(n)).map("R{:08d}".format)
    person = pd.Series(rng.integers(0, int(n * 0.6), n)).map("P-{:010d}".format)
    household = pd.Series(rng.integers(0, int(n * 0.25), n)).map("H-{:010d}".format)
    persons = pd.DataFrame({
        "source": pd.Series(src, dtype="str"), "source_record_id": ids.astype("str"),
        "bsn": pd.Series(rng.integers(100_000_000, 999_999_999, n)).astype("str"),
        "first_names": pd.Series(rng.choice(["Daan", "Emma", "Sem", "Julia"], n), dtype="str"),
        "surname_prefix": None,
        "surname": pd.Series(rng.choice(["Jansen", "Bakker", "Visser", "Smit"], n), dtype="str"),
        "birth_date": "2012-03-04", "sex": "M", "street": "Westzijde",
        "house_number": rng.integers(1, 300, n).astype("int32"), "house_letter": None,
        "house_number_suffix": None, "postcode": "1501AB", "city": "Zaandam",
        "municipality_code": "0479", "address_confidential": src == "blijf_groep",
        "source_household_ref": household, "role": "child",
        "extracted_at": pd.Timestamp(datetime(2026, 11, 1, tzinfo=UTC)), "origin": "export.csv",
        "origin_row": np.arange(n), "content_hash": ids.map(lambda s: s * 4),
    })
    n_cases = n // 3
    registrations = pd.DataFrame({
        "source": persons["source"].iloc[:n_cases].to_numpy(),
        "case_id": ids.iloc[:n_cases].str.replace("R", "C").to_numpy(),
        "person_record_ids": [[r] for r in ids.iloc[:n_cases]],
        "case_type": "melding", "status": "lopend",
        "start_date": pd.Timestamp("2026-01-01").date(), "end_date": None, "end_reason": None,
        "case_worker_name": "Pim", "case_worker_contact": "pim@example.org",
        "extracted_at": pd.Timestamp(datetime(2026, 11, 1, tzinfo=UTC)), "origin": "cases.csv",
        "origin_row": np.arange(n_cases), "content_hash": "h",
    })
    assignments = pd.DataFrame({"source": persons["source"], "source_record_id": persons[
        "source_record_id"], "person_id": person, "household_id": household})
    links = assignments[["source", "source_record_id", "person_id"]].assign(
        match_weight=rng.normal(10, 3, n).round(3),
        explanation='{"prior":-3.1,"first_name":["exact",6.2],"total":14.9}')
    return persons, registrations, Result(assignments, links)


def _cpu() -> float:
    times = os.times()
    return times.user + times.system


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 85_000
    url = sys.argv[2] if len(sys.argv) > 2 else f"sqlite:///{BENCH_DIR}/hub.sqlite"
    if url.startswith("sqlite"):
        shutil.rmtree(BENCH_DIR, ignore_errors=True)  # a fresh store: results do not depend on
        # what earlier runs left behind
    t = time.perf_counter()
    persons, registrations, result = frames(n)
    print(f"generate {time.perf_counter() - t:.1f}s")
    engine = open_store(url)
    snaps = BENCH_DIR / "snapshots"

    def run(label: str, persons: pd.DataFrame) -> None:
        wall, cpu = time.perf_counter(), _cpu()
        out = publish(engine, f"{label}-{time.time()}", persons, registrations, result,
                      snapshots=snaps)
        print(f"{label}: {out.status} v{out.version_id} in {time.perf_counter() - wall:.1f}s "
              f"(cpu {_cpu() - cpu:.1f}s)")

    run("first", persons)
    run("unchanged", persons)
    few = persons.copy()
    picked = np.arange(0, n, 100)  # 1% of the records corrected
    few.loc[picked, "first_names"] = few.loc[picked, "first_names"] + "je"
    few.loc[picked, "content_hash"] = few.loc[picked, "content_hash"] + "c"
    run("changed 1%", few)
    every = persons.assign(content_hash=persons["content_hash"] + "x")
    run("changed all", every)
    print(f"peak rss {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB, "
          f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
