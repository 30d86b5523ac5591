"""Wall time and peak memory of one engine run, each in a fresh subprocess with a time cap.

Peak memory is the larger of two views: the RSS high-water mark the worker reports for itself
(``VmHWM``) and the sum of RSS over the worker's whole process tree, sampled every 0.1 s with
psutil (which also catches worker pools an engine might start).
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_S = 0.1


@dataclass(frozen=True)
class SpeedResult:
    """One measured run. ``finished`` is false when it hit the cap or failed (see ``error``)."""

    engine: str
    records: int
    finished: bool
    process_s: float
    end_to_end_s: float | None = None
    link_s: float | None = None
    peak_rss_mb: float | None = None
    cpu_s: float | None = None
    error: str | None = None
    load_before: float | None = None


def _tree_rss(proc: psutil.Process) -> int:
    total = 0
    try:
        for p in [proc, *proc.children(recursive=True)]:
            try:
                total += p.memory_info().rss
            except psutil.NoSuchProcess:
                continue
    except psutil.NoSuchProcess:
        pass
    return total


def measure(engine: str, source: Path, target: Path, records: int, cap_s: float) -> SpeedResult:
    """Run ``bench.worker`` for ``engine`` on ``source``; kill its process group after ``cap_s``."""
    load = os.getloadavg()[0]  # the machine is shared: say how busy it was
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-m", "bench.worker", engine, str(source), str(target)],
            cwd=ROOT,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
        watched = psutil.Process(child.pid)
        peak = 0
        while child.poll() is None:
            peak = max(peak, _tree_rss(watched))
            if time.perf_counter() - started > cap_s:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
                return SpeedResult(engine, records, False, cap_s, peak_rss_mb=peak / 2**20,
                                   error=f"not finished in {cap_s:.0f} s", load_before=load)
            time.sleep(SAMPLE_S)
        elapsed = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        lines = [line for line in out.read().splitlines() if line.startswith("BENCH-RESULT ")]
        if child.returncode != 0 or not lines:
            tail = err.read().strip().splitlines()[-1:] or [f"exit code {child.returncode}"]
            return SpeedResult(engine, records, False, elapsed, error=tail[0][:200],
                               load_before=load)
        report = json.loads(lines[-1].removeprefix("BENCH-RESULT "))
        return SpeedResult(
            engine,
            records,
            True,
            elapsed,
            end_to_end_s=report["end_to_end_s"],
            link_s=report["link_s"],
            peak_rss_mb=max(report["peak_rss_mb"], peak / 2**20),
            cpu_s=report["cpu_s"],
            load_before=load,
        )
