"""The bench tests: ``bench`` (a tool, not part of the installed package) is importable from the
project root, which pytest's ``pythonpath`` puts on the path."""
