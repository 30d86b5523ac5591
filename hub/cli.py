"""The ``hub`` command line.

Each subcommand lives in its own module under :mod:`hub.commands` and exposes ``register(app)``;
this module only collects them, so adding a command is one new file. Commands import heavy
libraries (Dagster, GX, pandas) inside their functions to keep ``hub --help`` instant.
"""

import importlib
import pkgutil

import typer

import hub.commands

app = typer.Typer(
    name="hub",
    help="The registration hub: one merged registration for the Zaanstreek-Waterland pilot.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals may hold personal data
)


@app.callback()
def _root() -> None:
    """The registration hub: one merged registration for the Zaanstreek-Waterland pilot."""
    from foundation.files import restrict_new_files

    restrict_new_files()  # everything the hub writes under HUB_HOME is owner-only


def _register_commands() -> None:
    for module_info in sorted(pkgutil.iter_modules(hub.commands.__path__), key=lambda m: m.name):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"hub.commands.{module_info.name}")
        module.register(app)


_register_commands()


def main() -> None:  # pragma: no cover - console entry point
    """Run the CLI; a hub error no command caught is a message, never a traceback."""
    from foundation.errors import ConfigError, HubError
    from hub.console import err_console

    try:
        app()
    except HubError as exc:
        err_console.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        raise SystemExit(2 if isinstance(exc, ConfigError) else 1) from None
