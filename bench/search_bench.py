"""Search latency at a million persons: the figure behind "under 100 ms at the 95th percentile".

Fills a SQLite store with N golden persons (default 1,000,000) drawn from the demo generator's
name pools plus a long tail of generated surnames, publishes them as one version, builds the web
app's search index, and times ~500 realistic queries: misspelled full names, surnames alone,
names with a birth date, BSNs, postcode plus house number. It reports p50/p95/p99 of the search
function and of the whole ``POST /api/search`` endpoint (session and CSRF checks, search, audit
entry, JSON), plus recall (the wanted person among the hits). Wall-clock figures depend on what
else runs on the machine, so CPU time per query and the load average are reported too.

    .venv/bin/python -m bench.search_bench                 # 1M persons (fill about 1-2 minutes)
    .venv/bin/python -m bench.search_bench --persons 100000 --queries 300
"""

import argparse
import json
import os
import secrets
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from hub.demo.bsn import generate_bsns
from hub.demo.errors import typo
from hub.demo.names import BACKGROUND_SHARES, BACKGROUNDS, build_pools

SYLLABLES = ("ber", "bos", "dam", "dijk", "gra", "haa", "hoe", "jan", "kam", "ker", "lin",
             "man", "mee", "mol", "ven", "wal", "wit", "zan", "rot", "sto", "ste", "vel",
             "hof", "lan", "ger", "bro", "kor", "tin", "del", "ruy", "pel", "sma", "aar")


def _zipf(rng: np.random.Generator, size: int, n: int) -> np.ndarray:
    weights = 1.0 / np.arange(1, size + 1) ** 0.9
    return rng.choice(size, size=n, p=weights / weights.sum())


def make_persons(n: int, seed: int) -> pd.DataFrame:
    """N golden person rows with Dutch name distributions, valid BSNs and in-region addresses."""
    rng = np.random.default_rng(seed)
    pools = build_pools()
    background = rng.choice(len(BACKGROUNDS), size=n, p=np.array(BACKGROUND_SHARES)
                            / sum(BACKGROUND_SHARES))
    sex = np.where(rng.random(n) < 0.5, "M", "V")
    first = np.empty(n, dtype=object)
    prefix = np.empty(n, dtype=object)
    surname = np.empty(n, dtype=object)
    for b, key in enumerate(BACKGROUNDS):
        pool = pools[key]
        for s_code, names in (("M", pool.first_m), ("V", pool.first_v)):
            rows = np.flatnonzero((background == b) & (sex == s_code))
            first[rows] = np.asarray(names, dtype=object)[_zipf(rng, len(names), len(rows))]
        rows = np.flatnonzero(background == b)
        pick = _zipf(rng, len(pool.surnames), len(rows))
        surname[rows] = np.asarray(pool.surnames, dtype=object)[pick]
        prefix[rows] = np.asarray(pool.surname_prefixes, dtype=object)[pick]
    tail = np.flatnonzero(rng.random(n) < 0.35)  # the long tail real registers have
    parts = rng.integers(0, len(SYLLABLES), size=(len(tail), 3))
    syll = np.asarray(SYLLABLES, dtype=object)
    surname[tail] = [(a + b + c).capitalize() for a, b, c in zip(
        syll[parts[:, 0]], syll[parts[:, 1]], syll[parts[:, 2]], strict=True)]
    prefix[tail] = ""
    born = np.datetime64("1945-01-01") + rng.integers(0, 80 * 365, size=n).astype("timedelta64[D]")
    birth = np.datetime_as_string(born, unit="D").astype(object)
    postcode4 = rng.integers(1440, 1530, size=n)
    letters = rng.integers(0, 26, size=(n, 2)) + ord("A")
    postcode = [f"{p}{chr(a)}{chr(b)}" for p, (a, b) in zip(postcode4, letters, strict=True)]
    confidential = rng.random(n) < 0.01
    frame = pd.DataFrame({
        "person_id": [f"P-{i:010d}" for i in range(n)],
        "household_id": [f"H-{i // 3:010d}" for i in range(n)],
        "bsn": np.where(rng.random(n) < 0.9, generate_bsns(rng, n), None),
        "first_names": first, "surname_prefix": np.where(prefix == "", None, prefix),
        "surname": surname, "birth_date": birth, "sex": sex,
        "street": "Dorpsstraat", "house_number": rng.integers(1, 300, size=n),
        "postcode": postcode, "city": "Zaandam", "municipality_code": "0479",
        "has_confidential_address": confidential, "record_count": 1,
        "sources": np.asarray(["veilig_thuis", "rvdk", "jbra", "blijf_groep"],
                              dtype=object)[rng.integers(0, 4, size=n)],
    })
    for column in ("street", "house_number", "postcode", "city", "municipality_code"):
        frame[column] = frame[column].astype(object).where(~confidential, None)
    return frame


def fill_store(url: str, persons: pd.DataFrame) -> float:
    """Insert the persons as published version 1 (DBAPI executemany of tuples, 50k per batch)."""
    from hub.store.engine import make_engine, upgrade
    from schemas import store as s

    started = time.perf_counter()
    upgrade(url)
    engine = make_engine(url)
    now = pd.Timestamp.now(tz="UTC").to_pydatetime()
    columns = ["version_id", *persons.columns]
    records = persons.assign(version_id=1)[columns].astype(object)
    records = records.where(records.notna(), None)
    records["has_confidential_address"] = records["has_confidential_address"].astype(bool)
    records["house_number"] = [None if v is None else int(v) for v in records["house_number"]]
    rows = list(records.itertuples(index=False, name=None))
    sql = (f"INSERT INTO persons ({', '.join(columns)}) "
           f"VALUES ({', '.join('?' for _ in columns)})")
    with engine.begin() as conn:
        conn.execute(s.versions.insert().values(version_id=1, run_id="bench", status="published",
                                                created_at=now, published_at=now))
        for start in range(0, len(rows), 50_000):
            conn.exec_driver_sql(sql, rows[start:start + 50_000])
        conn.execute(s.published_version.insert().values(id=1, version_id=1, published_at=now))
    engine.dispose()
    return time.perf_counter() - started


def make_queries(persons: pd.DataFrame, n: int, seed: int) -> list[tuple[str, dict, str]]:
    """(kind, API body, wanted person id) for realistic look-ups of persons in the store."""
    rng = np.random.default_rng(seed + 1)
    picks = persons.iloc[rng.choice(len(persons), size=n * 2, replace=False)]
    kinds = ("misspelled_name", "surname", "name_birth_date", "bsn", "postcode_number")
    queries = []
    for i, row in enumerate(picks.itertuples()):
        kind = kinds[i % len(kinds)]
        prefix = f"{row.surname_prefix} " if isinstance(row.surname_prefix, str) else ""
        full = f"{row.first_names} {prefix}{row.surname}"
        if kind == "misspelled_name":
            body = {"name": f"{row.first_names} {prefix}{typo(row.surname, rng)}"}
        elif kind == "surname":
            body = {"name": f"{prefix}{row.surname}"}
        elif kind == "name_birth_date":
            y, m, d = row.birth_date.split("-")
            body = {"name": full, "birth_date": f"{int(d)}-{int(m)}-{y}"}
        elif kind == "bsn":
            if not isinstance(row.bsn, str):
                continue
            body = {"bsn": row.bsn}
        else:
            if not isinstance(row.postcode, str):
                continue
            body = {"postcode": row.postcode, "house_number": str(row.house_number)}
        queries.append((kind, body, row.person_id))
        if len(queries) == n:
            break
    return queries


def _percentiles(ms: list[float]) -> dict[str, float]:
    values = np.asarray(ms)
    return {f"p{q}": round(float(np.percentile(values, q)), 1) for q in (50, 95, 99)} | {
        "max": round(float(values.max()), 1)}


BENCH_USER, BENCH_PASSWORD = "bench", "bench-password-123"


def started_app(engine: Any) -> tuple[Any, Any, float]:
    """The web app on ``engine`` with a staff user for the benchmarks, its search index built:
    the app, its search service and the seconds the index took to build."""
    from hub.access.users import create_user
    from hub.web.app import create_app
    from hub.web.config import WebConfig

    # a throw-away store: its audit entries are signed with a throw-away key (without one the
    # web app refuses to start, as in production)
    os.environ.setdefault("HUB_AUDIT_KEY", secrets.token_hex(32))
    create_user(engine, BENCH_USER, BENCH_PASSWORD, "staff")
    app = create_app(engine, WebConfig(index_check_seconds=3600))
    service = app.state.hub.search
    t = time.perf_counter()
    service.start()
    return app, service, time.perf_counter() - t


def logged_in(client: Any) -> str:
    """Log the benchmark user in through the login form; the session's API CSRF token."""
    page = client.get("/login")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    client.post("/login", data={"username": BENCH_USER, "password": BENCH_PASSWORD,
                                "csrf_token": token})
    csrf: str = client.get("/api/me").json()["csrf_token"]
    return csrf


def run(persons_n: int, queries_n: int, seed: int, keep: Path | None,
        reuse: Path | None = None) -> dict:
    from fastapi.testclient import TestClient

    from hub.store.engine import make_engine
    from hub.web.routes.pages import build_query

    folder = Path(tempfile.mkdtemp(prefix="search_bench_"))
    url = f"sqlite:///{folder / 'hub.sqlite'}"
    generated = filled = 0.0
    if reuse and reuse.exists():
        shutil.copy(reuse, folder / "hub.sqlite")
        engine = make_engine(url)
        from hub.store.query import search_frames

        with engine.connect() as conn:
            persons, _ = search_frames(conn, 1)
        persons_n = len(persons)
    else:
        t = time.perf_counter()
        persons = make_persons(persons_n, seed)
        generated = time.perf_counter() - t
        filled = fill_store(url, persons)
        engine = make_engine(url)
        if keep:
            keep.parent.mkdir(parents=True, exist_ok=True)
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            shutil.copy(folder / "hub.sqlite", keep)
    app, service, index_seconds = started_app(engine)
    queries = make_queries(persons, queries_n, seed)
    function_ms, endpoint_ms, found = [], [], {}
    function_cpu_ms: list[float] = []
    endpoint_cpu_ms: list[float] = []
    per_kind: dict[str, list[float]] = {}
    for kind, body, wanted in queries:
        query = build_query(body.get("name", ""), body.get("bsn", ""),
                            body.get("birth_date", ""), body.get("postcode", ""),
                            body.get("house_number", ""))
        t, c = time.perf_counter(), time.process_time()
        result = service.search(query)
        elapsed = (time.perf_counter() - t) * 1000
        function_cpu_ms.append((time.process_time() - c) * 1000)
        function_ms.append(elapsed)
        per_kind.setdefault(kind, []).append(elapsed)
        hit = any(h.person_id == wanted for h in result.hits)
        found.setdefault(kind, []).append(hit or result.total > len(result.hits))
    with TestClient(app) as client:
        csrf = logged_in(client)
        for _kind, body, _wanted in queries:
            t, c = time.perf_counter(), time.process_time()
            response = client.post("/api/search", json=body, headers={"X-CSRF-Token": csrf})
            endpoint_ms.append((time.perf_counter() - t) * 1000)
            endpoint_cpu_ms.append((time.process_time() - c) * 1000)
            assert response.status_code == 200, response.text
    engine.dispose()
    shutil.rmtree(folder, ignore_errors=True)
    return {
        "persons": persons_n, "queries": len(queries),
        "distinct_surname_cores": len(service._index._core_vocab),  # noqa: SLF001 - reporting
        "generate_s": round(generated, 1), "fill_s": round(filled, 1),
        "index_build_s": round(index_seconds, 1),
        "load_average_1m": round(os.getloadavg()[0], 1), "cpus": os.cpu_count(),
        "function_ms": _percentiles(function_ms), "endpoint_ms": _percentiles(endpoint_ms),
        "function_cpu_ms": _percentiles(function_cpu_ms),
        "endpoint_cpu_ms_client_and_server": _percentiles(endpoint_cpu_ms),
        "function_ms_by_kind": {k: _percentiles(v) for k, v in per_kind.items()},
        "wanted_found_or_more_hits_than_shown": {
            k: round(sum(v) / len(v), 3) for k, v in found.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000, help="persons in the store")
    parser.add_argument("--queries", type=int, default=500, help="number of timed queries")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path,
                        help="copy the filled store here (e.g. bench/.cache/search_1m.sqlite)")
    parser.add_argument("--reuse", type=Path,
                        help="start from a store kept earlier with --keep (skips the fill)")
    args = parser.parse_args()
    print(json.dumps(run(args.persons, args.queries, args.seed, args.keep, args.reuse), indent=2))


if __name__ == "__main__":
    main()
