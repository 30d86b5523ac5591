"""Subcommands of ``hub``: one module per command or command group, each with ``register(app)``."""
