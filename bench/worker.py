"""One measured run in a fresh process: read Parquet, link, write Parquet, report JSON on stdout.

``python -m bench.worker ENGINE IN.parquet OUT.parquet``. Timing starts before the read and ends
after the write (imports and interpreter start-up are outside, reported separately by the
parent). The process reports its own peak RSS (``VmHWM``) and the CPU seconds it spent in that
window (user + system: a figure the shared machine's load does not inflate), so the parent can
combine them with what it sampled.
"""

import json
import logging
import resource
import sys
import time

import pandas as pd
import pyarrow.parquet as pq

from bench.engines import ENGINES, engine_columns


def peak_rss_kb() -> int:
    """This process's RSS high-water mark in kB.

    ``VmHWM`` belongs to the process's own address space. ``ru_maxrss`` is not used on Linux: it
    keeps the high-water mark from before ``exec``, i.e. the parent's memory at fork time.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main(engine: str, source: str, target: str) -> dict[str, float]:
    """Run one engine end to end and return the timings and peak memory."""
    logging.getLogger("splink").setLevel(logging.ERROR)
    link = ENGINES[engine]
    imported = time.perf_counter()
    # Import the engine's heavy modules before the clock starts: start-up is not linking.
    if engine == "hub":
        import matching  # noqa: F401
    else:
        import splink  # noqa: F401

        import bench.splink_baseline  # noqa: F401
    own = resource.getrusage(resource.RUSAGE_SELF)
    cpu_start = own.ru_utime + own.ru_stime
    start = time.perf_counter()
    wanted = engine_columns(engine)
    if wanted is not None:  # only the columns the engine reads (those the file has)
        present = set(pq.read_schema(source).names)
        wanted = [c for c in wanted if c in present]
    persons = pd.read_parquet(source, columns=wanted)
    read = time.perf_counter()
    assignments = link(persons)
    linked = time.perf_counter()
    assignments.to_parquet(target, index=False)
    written = time.perf_counter()
    used = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "import_s": start - imported,
        "read_s": read - start,
        "link_s": linked - read,
        "write_s": written - linked,
        "end_to_end_s": written - start,
        "peak_rss_mb": peak_rss_kb() / 1024,
        "cpu_s": used.ru_utime + used.ru_stime - cpu_start,
        "records": len(persons),
    }


if __name__ == "__main__":
    result = main(*sys.argv[1:4])
    print("BENCH-RESULT " + json.dumps(result), flush=True)
