"""Incremental publishing at a million records: the figure behind "a file of 50 new records into a
1M-record hub is published within 15 s of its run starting".

Fills a store with N published source records (default 1,000,000; one record per person, three
persons per household, names from the demo generator's pools and a long tail, see
:mod:`bench.search_bench`) with their golden records and households, and a model fitted by a
real full run (``link()`` on a demo population, kept in the run's stats as publish keeps it).
Then one Veilig Thuis delivery (all its published records plus 50 new ones: repeat reports of
known children and parents with a misspelled first name, and members of new families) goes
through the incremental path, :func:`pipelines.increment.run_increment`: new records found,
candidates selected, ``matching.link_increment``, published in one transaction. It prints the
seconds from the run's start to published, split by step.

    .venv/bin/python -m bench.increment_bench                       # 1M records (fill minutes)
    .venv/bin/python -m bench.increment_bench --keep /tmp/inc1m.sqlite   # keep the filled store
    .venv/bin/python -m bench.increment_bench --reuse /tmp/inc1m.sqlite  # start from a copy
    .venv/bin/python -m bench.increment_bench --url postgresql+psycopg2://127.0.0.1/test
"""

import argparse
import hashlib
import json
import os
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from bench.search_bench import SYLLABLES, make_persons

SOURCE = "veilig_thuis"
EXTRACTED = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)


def _hash(values: pd.Series) -> list[str]:
    return [hashlib.sha256(str(v).encode()).hexdigest()[:32] for v in values]


def make_records(n: int, seed: int) -> pd.DataFrame:
    """N canonical source records with their person and household ids (one record per person)."""
    golden = make_persons(n, seed)
    rec = golden.drop(columns=["has_confidential_address", "record_count", "sources"])
    rng = np.random.default_rng(seed + 1)
    rec["source"] = golden["sources"]
    rec["source_record_id"] = [f"R-{i:09d}" for i in range(n)]
    rec["house_letter"] = None
    rec["house_number_suffix"] = None
    rec["address_confidential"] = golden["has_confidential_address"].astype(bool)
    rec["source_household_ref"] = "D-" + rec["household_id"].str[2:]
    rec["role"] = np.where(np.arange(n) % 3 == 0, "parent_with_custody", "child")
    rec["extracted_at"] = EXTRACTED
    rec["origin"] = rec["source"] + "/export.csv"
    rec["origin_row"] = np.arange(1, n + 1)
    rec["content_hash"] = _hash(rec["source_record_id"] + rec["first_names"].astype(str))
    del rng
    return rec


def fill(url: str, records: pd.DataFrame, model: dict) -> float:
    """Publish ``records`` as version 1 with golden records, households and the model's run."""
    from hub.store import households as hh
    from hub.store.bulk import insert_frame
    from hub.store.columns import row_hashes, typed
    from hub.store.engine import make_engine, upgrade
    from hub.store.survivorship import golden_records
    from schemas import store as s

    started = time.perf_counter()
    upgrade(url)
    engine = make_engine(url)
    members = hh.household_members(records)
    frames = {s.source_records: records, s.persons: golden_records(records),
              s.household_members: members, s.households: hh.households(records, members)}
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(s.versions.insert().values(version_id=1, run_id="bench", status="published",
                                                created_at=now, published_at=now,
                                                counts=json.dumps({"source_records":
                                                                   len(records)})))
        for table, frame in frames.items():
            rows = typed(frame, table)
            rows[s.ROW_HASH] = row_hashes(rows, table)
            insert_frame(conn, table, rows, version_id=1)
        conn.execute(s.published_version.insert().values(id=1, version_id=1, published_at=now))
        conn.execute(s.runs.insert().values(
            run_id="bench", kind="publish", status="published", version_id=1, started_at=now,
            finished_at=now, stats=json.dumps({"model": model})))
    if engine.dialect.name == "postgresql":
        # planner statistics, as autovacuum keeps them in a running store (without them the
        # person-id lookups are planned as sequential scans)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    return time.perf_counter() - started


def delivery(records: pd.DataFrame, new: int, seed: int) -> pd.DataFrame:
    """Veilig Thuis' staged rows: all it delivered before plus ``new`` records (60 % repeat
    reports of known persons with a misspelled first name, the rest new families)."""
    from hub.demo.errors import typo

    rng = np.random.default_rng(seed + 2)
    repeats = int(new * 0.6)
    known = records.loc[~records["address_confidential"]].sample(repeats, random_state=seed)
    again = known.copy()
    again["first_names"] = [typo(str(v), rng) if i % 2 else v
                            for i, v in enumerate(again["first_names"])]
    again["bsn"] = [v if i % 3 else None for i, v in enumerate(again["bsn"])]
    fresh = records.sample(new - repeats, random_state=seed + 3).copy()
    parts = rng.integers(0, len(SYLLABLES), size=(len(fresh) // 3 + 1, 3))
    names = ["".join(SYLLABLES[p] for p in row).capitalize() + "ink" for row in parts]
    fresh["surname"] = [names[i // 3] for i in range(len(fresh))]
    fresh["surname_prefix"] = None
    fresh["postcode"] = [f"15{40 + i // 3:02d}ZZ" for i in range(len(fresh))]
    fresh["bsn"] = None
    fresh["address_confidential"] = False
    fresh["street"], fresh["city"] = "Nieuwbouwlaan", "Zaandam"
    fresh["role"] = np.where(np.arange(len(fresh)) % 3 == 0, "parent_with_custody", "child")
    fresh["source_household_ref"] = [f"VT-NEW-D{i // 3}" for i in range(len(fresh))]
    rows = pd.concat([again, fresh], ignore_index=True)
    rows["source"] = SOURCE
    rows["source_record_id"] = [f"VT-NEW-{i:03d}" for i in range(len(rows))]
    rows["origin"] = "veilig_thuis/meldingen_0601.csv"
    rows["extracted_at"] = datetime(2026, 12, 4, 6, 0, tzinfo=UTC)
    rows["content_hash"] = _hash(rows["source_record_id"] + rows["first_names"].astype(str))
    staged = pd.concat([records[records["source"] == SOURCE], rows], ignore_index=True)
    return staged.drop(columns=["person_id", "household_id"])


def run(n: int, new: int, seed: int, url: str | None, keep: Path | None,
        reuse: Path | None) -> dict:
    from hub.demo import generate_population
    from hub.store.engine import make_engine
    from matching import link
    from pipelines.increment import run_increment

    folder = Path(tempfile.mkdtemp(prefix="increment_bench_"))
    t = time.perf_counter()
    records = make_records(n, seed)
    filled = 0.0
    if url is None:
        url = f"sqlite:///{folder / 'hub.sqlite'}"
        if reuse is not None and reuse.exists():
            shutil.copy(reuse, folder / "hub.sqlite")
    if reuse is None or not reuse.exists() or not url.startswith("sqlite"):
        model = link(generate_population(2000, seed=seed).persons).stats["model"]
        filled = fill(url, records, model)
        if keep is not None and url.startswith("sqlite"):
            keep.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(folder / "hub.sqlite", keep)
    staged = delivery(records, new, seed)
    setup = time.perf_counter() - t
    engine = make_engine(url)
    import matching  # noqa: F401  (imported before the clock starts, as a running worker has it)

    started = time.perf_counter()
    outcome = run_increment(engine, "bench-increment", SOURCE, staged, None)
    total = time.perf_counter() - started
    engine.dispose()
    shutil.rmtree(folder, ignore_errors=True)
    return {
        "records": n, "delivered_rows": len(staged), "backend": url.split(":")[0],
        "status": outcome.status, "counts": outcome.counts, "steps_s": outcome.seconds,
        "total_s": round(total, 2), "setup_s": round(setup, 1), "fill_s": round(filled, 1),
        "load_average_1m": round(os.getloadavg()[0], 1), "cpus": os.cpu_count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--new", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--url", help="a store URL to fill instead of a temporary SQLite file "
                                      "(an empty database)")
    parser.add_argument("--keep", type=Path, help="keep the filled SQLite store in this file")
    parser.add_argument("--reuse", type=Path, help="start from a store kept with --keep")
    args = parser.parse_args()
    print(json.dumps(run(args.records, args.new, args.seed, args.url, args.keep, args.reuse),
                     indent=2))


if __name__ == "__main__":
    main()
