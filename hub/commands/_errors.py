"""How every command turns an expected failure into a message and an exit code, never a traceback.

Exit 2: the command cannot run as asked (wrong argument, configuration, no store yet); exit 1: it
ran and failed (a broken audit chain, a failing database).
"""

from collections.abc import Iterator
from contextlib import contextmanager

import typer

from hub.console import err_console

USAGE = 2
FAILED = 1


def fail(message: str, code: int = USAGE) -> None:
    """Print ``message`` in red on stderr and exit with ``code``."""
    err_console.print(f"[red]{message}[/red]", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@contextmanager
def reported(prefix: str, code: int = USAGE) -> Iterator[None]:
    """Turn a :class:`HubError` (or an OS error on a path) into ``prefix: message`` and exit."""
    from foundation.errors import HubError

    try:
        yield
    except HubError as exc:
        fail(f"{prefix}: {exc}", code)
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        fail(f"{prefix}: {exc.strerror or exc}{where}", code)
