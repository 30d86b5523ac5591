"""Latency of 'Is dit gezin bekend?' for a two-person family: target p95 < 150 ms at 1M persons.

Fills a SQLite store with N golden persons in households of three (the generator of
:mod:`bench.search_bench`), keeps a model fitted by a real full run (``link()`` on a demo
population, as publish keeps it in the run's stats), builds the search index, and times
lookups of two members of known households as a caller reports them: the first with a
misspelled surname and a birth year, the second with first name, surname and an estimated age.
It times the use-case function :func:`hub.web.lookup.lookup` (candidate retrieval, golden rows,
scoring with the one matcher, contacts, guide, audit entry) and the whole ``POST /api/match``,
and reports how often the household was found first.

    .venv/bin/python -m bench.lookup_bench                      # 50,000 persons: under a minute
    .venv/bin/python -m bench.lookup_bench --persons 1000000    # fill about 2 minutes
"""

import argparse
import json
import os
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from bench.search_bench import fill_store, logged_in, make_persons, started_app
from hub.demo.errors import typo

PURPOSE = "benchmark: melding over een gezin, is het bekend?"


def _percentiles(ms: list[float]) -> dict[str, float]:
    values = np.asarray(ms)
    return {f"p{q}": round(float(np.percentile(values, q)), 1) for q in (50, 95, 99)} | {
        "max": round(float(values.max()), 1)}


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def make_lookups(persons: pd.DataFrame, n: int, seed: int) -> list[tuple[list[dict], str]]:
    """(persons as entered, wanted household id) for n two-person families of the store."""
    rng = np.random.default_rng(seed + 2)
    households = persons["household_id"].to_numpy()
    starts = np.flatnonzero(np.r_[True, households[1:] != households[:-1]])
    out = []
    today = date.today()
    for start in rng.choice(starts[:-1], size=min(n, len(starts) - 1), replace=False):
        a, b = persons.iloc[start], persons.iloc[start + 1]
        if a["household_id"] != b["household_id"]:
            continue
        born = date.fromisoformat(b["birth_date"])
        out.append(([
            {"first_names": a["first_names"], "surname_prefix": _text(a["surname_prefix"]),
             "surname": typo(a["surname"], rng), "birth_date": a["birth_date"][:4]},
            {"first_names": b["first_names"], "surname_prefix": _text(b["surname_prefix"]),
             "surname": b["surname"], "age": today.year - born.year},
        ], str(a["household_id"])))
    return out


def run(persons_n: int, lookups_n: int, seed: int) -> dict:
    from fastapi.testclient import TestClient

    from hub.access.roles import Role, User
    from hub.demo import generate_population
    from hub.store.engine import make_engine
    from hub.web.lookup import lookup
    from matching import link
    from schemas import store as s

    folder = Path(tempfile.mkdtemp(prefix="lookup_bench_"))
    url = f"sqlite:///{folder / 'hub.sqlite'}"
    t = time.perf_counter()
    persons = make_persons(persons_n, seed)
    filled = fill_store(url, persons)
    model = link(generate_population(2000, seed=seed).persons).stats["model"]
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(s.runs.insert().values(
            run_id="bench", kind="publish", status="published", version_id=1,
            started_at=datetime.now(UTC), stats=json.dumps({"model": model})))
    setup = time.perf_counter() - t
    app, service, index_seconds = started_app(engine)
    user = User(id=0, username="bench", display_name="bench", role=Role.STAFF)
    cases = make_lookups(persons, lookups_n, seed)
    lookup(engine, service, user, PURPOSE, cases[0][0])  # warm-up (household groups, caches)
    function_ms, cpu_ms, first = [], [], 0
    for entered, wanted in cases:
        t, c = time.perf_counter(), time.process_time()
        answer = lookup(engine, service, user, PURPOSE, entered)
        function_ms.append((time.perf_counter() - t) * 1000)
        cpu_ms.append((time.process_time() - c) * 1000)
        first += bool(answer.households) and answer.households[0]["household_id"] == wanted
    endpoint_ms = []
    with TestClient(app) as client:
        csrf = logged_in(client)
        for entered, _wanted in cases[: max(20, len(cases) // 2)]:
            t = time.perf_counter()
            response = client.post("/api/match", json={"purpose": PURPOSE, "persons": entered},
                                   headers={"X-CSRF-Token": csrf})
            endpoint_ms.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200, response.text
    return {
        "persons": persons_n, "lookups": len(cases), "setup_s": round(setup, 1),
        "fill_s": round(filled, 1), "index_s": round(index_seconds, 1),
        "load_average_1m": round(os.getloadavg()[0], 1), "cpus": os.cpu_count(),
        "function_ms": _percentiles(function_ms), "function_cpu_ms": _percentiles(cpu_ms),
        "endpoint_ms": _percentiles(endpoint_ms),
        "household_found_first": round(first / len(cases), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=50_000)
    parser.add_argument("--lookups", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.persons < 1000 or args.lookups < 10:
        parser.error("--persons must be at least 1000 and --lookups at least 10")
    print(json.dumps(run(args.persons, args.lookups, args.seed), indent=2))


if __name__ == "__main__":
    main()
