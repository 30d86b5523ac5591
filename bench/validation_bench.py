"""Time the validation of 100k synthetic person and registration rows (GX included).

Run: ``.venv/bin/python bench/validation_bench.py [--rows 100000]``. Prints seconds for the GX
import and context, deriving columns, each suite, building Data Docs, and rows per second.
"""

import argparse
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pandas as pd


def persons(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """Synthetic canonical persons; about 1% carry a defect (bad BSN, postcode, sex or date)."""
    ids = np.arange(n)
    years = rng.integers(1940, 2026, n)
    months = rng.integers(1, 13, n)
    days = rng.integers(1, 29, n)
    birth = [f"{y:04d}-{m:02d}-{d:02d}" for y, m, d in zip(years, months, days, strict=True)]
    frame = pd.DataFrame({
        "source": "veilig_thuis",
        "source_record_id": [f"VT-{i}" for i in ids],
        "bsn": np.where(ids % 100 == 0, "111222334", "111222333"),
        "first_names": "Sanne", "surname_prefix": None, "surname": "Visser",
        "birth_date": np.where(ids % 97 == 0, "2014", birth),
        "sex": np.where(ids % 101 == 0, "F", "V"),
        "street": "Dam", "house_number": pd.array(rng.integers(1, 300, n), dtype="Int32"),
        "house_letter": None, "house_number_suffix": None,
        "postcode": np.where(ids % 103 == 0, "1501SA", "1501AB"),
        "city": "Zaandam", "municipality_code": "0479",
        "address_confidential": pd.array(ids % 50 == 0, dtype="boolean"),
        "source_household_ref": [f"G{i // 3}" for i in ids], "role": "child",
        "extracted_at": datetime.now(UTC), "origin": "bench.csv", "origin_row": ids + 1,
        "content_hash": "x",
    })
    return frame


def registrations(n: int, rng: np.random.Generator) -> pd.DataFrame:
    ids = np.arange(n)
    start = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 1500, n), unit="D")
    return pd.DataFrame({
        "source": "veilig_thuis", "case_id": [f"C-{i}" for i in ids],
        "person_record_ids": [[f"VT-{i}", f"VT-{(i + 1) % n}"] for i in ids],
        "case_type": np.where(ids % 211 == 0, "onbekend", "melding"), "status": "lopend",
        "start_date": start.date, "end_date": None, "end_reason": None,
        "case_worker_name": "K", "case_worker_contact": "k@example.org",
        "extracted_at": datetime.now(UTC), "origin": "bench.csv", "origin_row": ids + 1,
        "content_hash": "x",
    })


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    people, cases = persons(args.rows, rng), registrations(args.rows, rng)

    started = time.perf_counter()
    from expectations import data_docs, derived, validate_persons, validate_registrations
    from expectations.runtime import _batch_definition

    _batch_definition()
    print(f"GX import + context           {time.perf_counter() - started:6.2f} s")

    started = time.perf_counter()
    derived.derive_persons(people)
    print(f"derive person columns         {time.perf_counter() - started:6.2f} s")

    timings = {}
    started = time.perf_counter()
    person_outcome = validate_persons(people, "veilig_thuis", today=date(2026, 11, 22))
    timings["persons"] = time.perf_counter() - started
    started = time.perf_counter()
    registration_outcome = validate_registrations(cases, "veilig_thuis",
                                                  people["source_record_id"])
    timings["registrations"] = time.perf_counter() - started
    for name, seconds in timings.items():
        print(f"validate {name:<20} {seconds:6.2f} s  ({args.rows / seconds:,.0f} rows/s)")
    for outcome in (person_outcome, registration_outcome):
        print(f"  {outcome.suite}: {len(outcome.passed)} pass, "
              f"{len(outcome.quarantined_positions)} held, blocked={outcome.blocked}")

    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as root:
        data_docs.publish(Path(root), [*person_outcome.gx_results,
                                       *registration_outcome.gx_results], "bench")
    print(f"Data Docs build               {time.perf_counter() - started:6.2f} s")


if __name__ == "__main__":
    main()
