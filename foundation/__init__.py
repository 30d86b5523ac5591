"""The hub's foundation: errors, settings, masking and quarantine files.

Every other package (schemas, connectors, matching, expectations, the store, pipelines, the web app
and the CLI) may import from here; this package imports none of them, so it can never be part of an
import cycle. The layers are stated as import-linter contracts in ``pyproject.toml``.
"""
