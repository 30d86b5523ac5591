"""One measured run in a fresh process: read Parquet, link, write Parquet, report JSON on stdout.

``python -m bench.worker ENGINE IN.parquet OUT.parquet``. Timing starts before the read and ends
after the write (imports and interpreter start-up are outside, reported separately by the
parent). The process reports its own peak RSS (``ru_maxrss``, kilobytes on Linux) so the parent can
combine it with what it sampled.
"""

import json
import logging
import resource
import sys
import time

import pandas as pd

from bench.engines import ENGINES


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
    start = time.perf_counter()
    persons = pd.read_parquet(source)
    read = time.perf_counter()
    assignments = link(persons)
    linked = time.perf_counter()
    assignments.to_parquet(target, index=False)
    written = time.perf_counter()
    peak_kb = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    return {
        "import_s": start - imported,
        "read_s": read - start,
        "link_s": linked - read,
        "write_s": written - linked,
        "end_to_end_s": written - start,
        "peak_rss_mb": peak_kb / 1024,
        "records": len(persons),
    }


if __name__ == "__main__":
    result = main(*sys.argv[1:4])
    print("BENCH-RESULT " + json.dumps(result), flush=True)
