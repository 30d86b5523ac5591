"""A drop-folder delivery's whole Dagster run on a hub filled by the real pipeline: the issue's
"a file of 50 new records into a 1M-record hub is published within 15 s of its run starting".

``bench.increment_bench`` times the increment step on a store it fills itself; this command
times what a partner meets. Give it a ``HUB_HOME`` that ``bench.run_pipeline --keep`` filled
(e.g. ``--households 235000``: about 1M records, published). Each round writes one Veilig Thuis
file of 50 records into the partner's inbox (30 repeat reports of known persons under new case
numbers, every other one with two letters of the first name swapped, and 5 new families of 4),
asks the drop-folder sensor for its run, and executes that run in this process, as the
sensor's run would (extract, validate, ``<partner>/increment``). It prints the seconds from
the run's start to its end, per step, and the increment's own counts.

With ``--search`` the web app's search service is built on the hub first (as ``hub web`` does
at start-up), and after each run the seconds of the first search (which layers the increment's
persons over the index instead of rebuilding it) and of the next one are printed.

With ``--daemon`` the runs are the Dagster daemon's: ``dagster-daemon run`` starts with the
automation on (``HUB_AUTOMATION=on``), its drop-folder sensor finds each file (it ticks at most
every 15 s) and the run launcher starts a run worker process per run, as in production. It
prints per round the seconds from the run's start (Dagster's ``start_time``, once its worker
has loaded the definitions) to its end, and from the run's creation (the sensor's request,
before the worker process starts) to its end.

    .venv/bin/python -m bench.run_pipeline --households 235000 --keep   # prints the HUB_HOME
    .venv/bin/python -m bench.increment_run /tmp/hub-bench-pipeline-XXXX --rounds 2
    .venv/bin/python -m bench.increment_run /tmp/hub-bench-pipeline-XXXX --rounds 3 --daemon
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import dagster as dg

PARTNER = "veilig_thuis"
REPEATS, FAMILIES = 30, 5
ROLES = ("Slachtoffer", "Ouder", "Kind", "Kind")
# the Veilig Thuis export's columns (connectors/partners.yaml): case, person, names, address
CASE, RECORD, ROLE, FIRST, SURNAME, BIRTH, BSN = 0, 8, 9, 10, 12, 13, 15
ADDRESS = slice(16, 23)


def delivery(export: Path, seed: int) -> tuple[str, list[str]]:
    """The header and 50 rows of one delivery, made from a published export's rows."""
    lines = export.read_text(encoding="cp1252").splitlines()
    header, rows = lines[0], [line.split(";") for line in lines[1:]]
    people = [r for r in rows if r[BIRTH]]
    rng = random.Random(seed)
    out = []
    for i, fields in enumerate(rng.sample(people, REPEATS)):
        f = list(fields)
        f[CASE] = f"M2026-5{seed:02d}{i:03d}"
        f[RECORD] = f"{f[CASE]}-01"
        if i % 2 and len(f[FIRST]) > 3:
            f[FIRST] = f[FIRST][:-2] + f[FIRST][-1] + f[FIRST][-2]
        out.append(";".join(f))
    for family in range(FAMILIES):
        home, surname = rng.choice(people), rng.choice(people)[SURNAME]
        case = f"M2026-6{seed:02d}{family:03d}"
        for i, role in enumerate(ROLES):
            f = list(rng.choice(people))
            f[CASE], f[RECORD], f[ROLE] = case, f"{case}-{i:02d}", role
            f[FIRST], f[SURNAME], f[BSN] = rng.choice(people)[FIRST], surname, ""
            f[BIRTH] = f"{rng.randint(10, 28)}-0{rng.randint(1, 9)}-{rng.randint(1975, 2022)}"
            f[ADDRESS] = home[ADDRESS]
            out.append(";".join(f))
    return header, out


def drop(home: Path, seed: int) -> None:
    """Write one delivery of 50 records into the partner's inbox."""
    folder = home / "partners" / PARTNER
    header, rows = delivery(sorted((folder / "archive").glob("VT_export_*.csv"))[0], seed)
    (folder / "inbox" / f"VT_export_bench_{seed:03d}.csv").write_text(
        "\r\n".join([header, *rows]) + "\r\n", encoding="cp1252")


def search_service(home: Path) -> object:
    """The web app's search service on the hub's store, built (timed)."""
    from foundation.settings import get_settings
    from hub.store.engine import open_store
    from hub.web.search.service import SearchService

    clock = time.perf_counter()
    service = SearchService(open_store(get_settings(home).store_url), check_seconds=3600)
    service.start()
    print(f"search index built in {time.perf_counter() - clock:.1f} s")
    return service


def first_searches(service: object, seed: int) -> None:
    """The first search after an increment (it layers the increment) and the next one."""
    from hub.web.search.index import Query
    from hub.web.search.service import SearchService

    assert isinstance(service, SearchService)
    times = []
    for _ in range(2):
        clock = time.perf_counter()
        service.search(Query(name="Jansen", limit=25))
        times.append(time.perf_counter() - clock)
    index = service.current_index()
    print(f"    search after round {seed}: first {times[0] * 1000:.0f} ms, next "
          f"{times[1] * 1000:.0f} ms ({type(index).__name__}, {getattr(index, 'size', 0)} "
          "persons)")


def one_round(home: Path, seed: int) -> None:
    """Write one delivery, let the sensor ask for its run, execute it and print the figures."""
    import dagster as dg

    from pipelines.keys import increment_key
    from pipelines.runner import load_definitions

    drop(home, seed)
    with dg.DagsterInstance.get() as instance:
        defs = load_definitions()
        tick = defs.resolve_sensor_def("partner_drop_folders")(
            dg.build_sensor_context(instance=instance, cursor=None))
        request = {r.tags["hub/partner"]: r for r in tick.run_requests}[PARTNER]
        if increment_key(PARTNER) not in request.asset_selection:
            raise SystemExit("the sensor asked for a full run: is a version published?")
        clock = time.perf_counter()
        result = defs.resolve_implicit_global_asset_job_def().execute_in_process(
            instance=instance, asset_selection=list(request.asset_selection), tags=request.tags)
        seconds = time.perf_counter() - clock
        steps = {e.step_key: e.event_specific_data.duration_ms / 1000
                 for e in result.all_events if e.event_type_value == "STEP_SUCCESS"}
        counts = {k: v.value for e in result.get_asset_materialization_events()
                  for m in [e.step_materialization_data.materialization]
                  if m.asset_key == increment_key(PARTNER) for k, v in m.metadata.items()}
    print(f"round {seed}: run {seconds:.1f} s ({'ok' if result.success else 'FAILED'}); "
          + ", ".join(f"{k} {v:.1f} s" for k, v in steps.items()))
    print("    increment: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


def daemon_rounds(home: Path, seeds: range, log: Path) -> None:
    """Start the Dagster daemon, drop one delivery per round and time the run it launches."""
    import dagster as dg

    from pipelines.keys import increment_key

    env = {**os.environ, "HUB_AUTOMATION": "on"}
    daemon_cli = Path(sys.executable).parent / "dagster-daemon"
    with log.open("w") as out:
        daemon = subprocess.Popen([str(daemon_cli), "run", "-m", "pipelines.definitions"],
                                  env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        with dg.DagsterInstance.get() as instance:
            for seed in seeds:
                seen = {r.run_id for r in instance.get_runs()}
                drop(home, seed)
                dropped = time.time()
                record = _finished_run(instance, seen, daemon, timeout=300)
                run = record.dagster_run
                if run.tags.get("hub/path") != "increment":
                    raise SystemExit(f"the sensor asked for a {run.tags.get('hub/path')} run")
                created = record.create_timestamp.timestamp()
                steps = {e.step_key: e.dagster_event.event_specific_data.duration_ms / 1000
                         for e in instance.all_logs(run.run_id)
                         if e.dagster_event and e.dagster_event.event_type_value == "STEP_SUCCESS"}
                counts = {k: v.value for e in instance.all_logs(run.run_id)
                          if e.dagster_event and e.dagster_event.is_step_materialization
                          for m in [e.dagster_event.step_materialization_data.materialization]
                          if m.asset_key == increment_key(PARTNER)
                          for k, v in m.metadata.items()
                          if k in ("outcome", "new_records", "joined_existing_persons",
                                   "new_persons", "review_items")}
                end, start = record.end_time or 0.0, record.start_time or 0.0
                print(f"round {seed}: {run.status.value}; run start to end {end - start:.1f} s, "
                      f"created to end {end - created:.1f} s (worker start "
                      f"{start - created:.1f} s), file written to end {end - dropped:.1f} s; "
                      + ", ".join(f"{k} {v:.1f} s" for k, v in steps.items()))
                print("    increment: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    finally:
        daemon.terminate()
        daemon.wait(timeout=60)


def _finished_run(instance: "dg.DagsterInstance", seen: set[str], daemon: subprocess.Popen,
                  timeout: float) -> "dg.RunRecord":
    """The first run not in ``seen``, once it has finished."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if daemon.poll() is not None:
            raise SystemExit("the Dagster daemon stopped: see its log")
        for record in instance.get_run_records():
            if record.dagster_run.run_id not in seen and record.dagster_run.is_finished:
                return record
        time.sleep(0.5)
    raise SystemExit(f"no finished run within {timeout:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("home", type=Path, help="a HUB_HOME filled by bench.run_pipeline --keep")
    parser.add_argument("--rounds", type=int, default=1, help="deliveries, one run each")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--search", action="store_true",
                        help="time the web app's first search after each run")
    parser.add_argument("--daemon", action="store_true",
                        help="the Dagster daemon's sensor and run launcher run each delivery")
    args = parser.parse_args()
    if not (args.home / "store").is_dir():
        parser.error(f"{args.home} holds no store: fill it with bench.run_pipeline --keep")
    # the demo partner systems of the benchmark (HUB_DEMO=1), a Dagster home of its own
    dagster_home = Path(tempfile.mkdtemp(prefix="hub-bench-dagster-"))
    (dagster_home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    os.environ.update(HUB_HOME=str(args.home), HUB_DEMO="1", DAGSTER_HOME=str(dagster_home))
    os.environ.pop("HUB_STORE_URL", None)
    seeds = range(args.seed, args.seed + args.rounds)
    if args.daemon:
        daemon_rounds(args.home, seeds, dagster_home / "daemon.log")
        return
    service = search_service(args.home) if args.search else None
    for seed in seeds:
        one_round(args.home, seed)
        if service is not None:
            first_searches(service, seed)


if __name__ == "__main__":
    main()
