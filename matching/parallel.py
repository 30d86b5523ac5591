"""Independent steps on the machine's cores, with threads.

numpy's sorts, gathers and arithmetic on large arrays, pandas' and pyarrow's hash and string
kernels and rapidfuzz release the GIL, so independent steps (blocking rules, field comparators,
standardising columns, households beside stable IDs) overlap on a 2-core machine. Results come
back in submission order, so the output never depends on which thread finished first.
"""

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

MAX_THREADS = 4
_SEQUENTIAL: ContextVar[bool] = ContextVar("matching_sequential", default=False)


@contextmanager
def sequential() -> Iterator[None]:
    """Run every step in the calling thread: for a lookup's few records, starting threads costs
    more than they save (and a web server already runs lookups side by side)."""
    token = _SEQUENTIAL.set(True)
    try:
        yield
    finally:
        _SEQUENTIAL.reset(token)


def threads() -> int:
    """Cores this process may use (at most :data:`MAX_THREADS`)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(MAX_THREADS, cores))


def run_all(tasks: list[Callable[[], Any]]) -> list[Any]:
    """Call every task, in threads when there are cores to spare; results in task order."""
    width = min(threads(), len(tasks))
    if width < 2 or _SEQUENTIAL.get():
        return [task() for task in tasks]
    with ThreadPoolExecutor(max_workers=width, thread_name_prefix="matching") as pool:
        futures = [pool.submit(task) for task in tasks]
        return [future.result() for future in futures]
