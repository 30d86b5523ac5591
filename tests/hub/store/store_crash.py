"""Kill a store write with SIGKILL in its middle, in a child process: the crash tests' one way of
proving that a publish or an increment leaves the previous state whole."""

import os
import pickle
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

CHILD = textwrap.dedent(
    """
    import pickle, time
    from pathlib import Path
    import {module} as target
    from hub.store.engine import make_engine

    real_insert = target.insert_frame

    def insert_then_hang(conn, table, frame, **constants):
        rows = real_insert(conn, table, frame, **constants)
        if table.name == "persons":  # some tables written, the transaction not committed
            Path({flag!r}).write_text("in the middle")
            time.sleep(600)
        return rows

    target.insert_frame = insert_then_hang
    arguments = pickle.loads(Path({inputs!r}).read_bytes())
    target.{function}(make_engine({url!r}), {run_id!r}, *arguments)
    """
)


def killed_midway(module: str, function: str, run_id: str, arguments: tuple[Any, ...],
                  url: str, folder: Path) -> None:
    """Run ``module.function(engine, run_id, *arguments)`` in a child process, hang it right
    after it wrote the ``persons`` rows (the module's own ``insert_frame``), and SIGKILL it."""
    inputs = folder / "inputs.pickle"
    inputs.write_bytes(pickle.dumps(arguments))
    flag = folder / "midway.flag"
    script = CHILD.format(module=module, function=function, run_id=run_id, inputs=str(inputs),
                          flag=str(flag), url=url)
    child = subprocess.Popen([sys.executable, "-c", script], cwd=Path(__file__).parents[3],
                             start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not flag.exists():
            assert child.poll() is None, f"{function} ended before it was killed"
            assert time.monotonic() < deadline, f"{function} never reached its middle"
            time.sleep(0.1)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    assert child.returncode == -signal.SIGKILL
