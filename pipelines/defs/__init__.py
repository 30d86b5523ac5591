"""Dagster definitions, one module per concern; found by ``dg.load_from_defs_folder``."""
