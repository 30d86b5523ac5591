"""Benchmark of ``hub run``: partner systems to published store, first run and unchanged re-run.

    python -m bench.run_pipeline                      # region size: 20,000 households
    python -m bench.run_pipeline --households 235000  # about 1,000,000 person records

The demo partner systems are generated first (not timed) into a temporary HUB_HOME; then
``hub run`` runs twice in fresh processes (the second on unchanged inputs). Each run's wall time
and peak memory (the child process's RSS high-water mark) are printed with the run's own counts.
Targets (docs/pipeline.md): region size under 60 s, 1M records under 5 minutes, peak memory under
4 GB, the unchanged re-run much faster than the first.
"""

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Annotated

import typer

PROJECT_ROOT = Path(__file__).resolve().parent.parent
HUB = [sys.executable, "-c", "from hub.cli import app; app()"]


def generate(home: Path, households: int, seed: int) -> dict[str, int]:
    """Write the seven demo partner systems under ``home/partners`` (not timed)."""
    from hub.demo import generate_population
    from hub.demo.writers import write_partner_systems

    return write_partner_systems(generate_population(households, seed=seed), home / "partners")


def timed_run(home: Path, label: str) -> tuple[float, float, str]:
    """Run ``hub run`` in a fresh process; returns wall seconds, peak RSS in MB and its output."""
    # HUB_DEMO=1: the benchmark runs on the demo partner systems it generated
    env = {**os.environ, "HUB_HOME": str(home), "COLUMNS": "120", "HUB_DEMO": "1"}
    env.pop("HUB_STORE_URL", None)
    env.pop("DAGSTER_HOME", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run([*HUB, "run", "--timings"], env=env, cwd=PROJECT_ROOT,
                          capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if done.returncode not in (0, 1):
        raise SystemExit(f"{label} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    # ru_maxrss is the largest child so far (KiB on Linux): a first run is always the largest.
    return seconds, max(peak, before) / 1024, done.stdout + done.stderr


def main(
    households: Annotated[int, typer.Option(help="Involved households (about 4.25 records "
                                                  "each); 20000 is the region, 235000 ~1M.")]
    = 20_000,
    seed: Annotated[int, typer.Option(help="Seed of the synthetic population.")] = 7,
    keep: Annotated[bool, typer.Option(help="Keep the temporary HUB_HOME for inspection.")]
    = False,
) -> None:
    """Time ``hub run`` end to end at one size: first run, then an unchanged re-run."""
    home = Path(tempfile.mkdtemp(prefix="hub-bench-pipeline-"))
    try:
        clock = time.perf_counter()
        counts = generate(home, households, seed)
        print(f"generated {sum(counts.values())} person records of {households} households "
              f"over {len(counts)} partners in {time.perf_counter() - clock:.1f} s ({home})")
        rows = []
        for label in ("first run", "unchanged re-run"):
            seconds, peak_mb, output = timed_run(home, label)
            rows.append((label, seconds, peak_mb))
            summary = [line for line in output.splitlines()
                       if line.startswith(("persons ", "version ", "not published"))]
            print(f"{label:18} {seconds:8.1f} s   peak RSS {peak_mb:8.0f} MB   "
                  + " | ".join(summary))
            steps = [line for line in output.splitlines() if line.startswith("step seconds")]
            print("    " + (steps[0] if steps else "no step timings"))
        first, again = rows[0][1], rows[1][1]
        print(f"\nrecords {sum(counts.values())}: first {first:.1f} s, re-run {again:.1f} s "
              f"({first / again:.1f}x faster), peak {max(r[2] for r in rows):.0f} MB")
    finally:
        if not keep:
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    typer.run(main)
