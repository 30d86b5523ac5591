"""Give freed memory back to the operating system between the pipeline's heavy steps.

``hub run`` materialises every step in one process. Linking a million records leaves gigabytes
that Python and Arrow have freed but still hold (Arrow's mimalloc pool and glibc's heap keep
freed pages for reuse), and the next step's peak came on top of them: 4.4 GB resident at 1M while
no single step needs 3 GB. Releasing at the end of each heavy step keeps the process's peak near
the largest step's own.
"""

import ctypes
import ctypes.util
import gc

import pyarrow as pa


def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name) if name else None
    except OSError:
        return None


_LIBC = _libc()


def resident_mb() -> float:
    """This process's resident memory now (Linux; 0 where /proc is not there)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            pages = int(handle.read().split()[1])
    except (OSError, ValueError, IndexError):
        return 0.0
    return pages * 4096 / 2**20


def release_memory() -> float:
    """Collect garbage, return Arrow's and the C heap's free pages; returns MB given back."""
    before = resident_mb()
    gc.collect()
    pa.default_memory_pool().release_unused()
    if _LIBC is not None and hasattr(_LIBC, "malloc_trim"):
        _LIBC.malloc_trim(0)  # glibc only; other C libraries have no such call
    return max(0.0, before - resident_mb())
