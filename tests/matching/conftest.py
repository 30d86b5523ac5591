"""Small hand-made person records for the matching tests (synthetic, no real people).

This folder shares its name with the ``matching`` package; with ``tests/`` on ``sys.path``
(pytest's default import mode) ``import matching`` would find this folder as a namespace package.
Putting the project root first makes the real package win.
"""

import sys
from collections.abc import Callable
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parents[2])
if getattr(sys.modules.get("matching"), "__file__", None) is None:
    sys.modules.pop("matching", None)
    if sys.path[0] != _ROOT:
        sys.path.insert(0, _ROOT)

import pandas as pd  # noqa: E402 - after the sys.path fix above
import pytest  # noqa: E402

BASE = {
    "bsn": None, "first_names": None, "surname_prefix": None, "surname": None,
    "birth_date": None, "sex": None, "street": "Dorpsstraat", "house_number": None,
    "house_letter": None, "house_number_suffix": None, "postcode": None, "city": "Zaandam",
    "address_confidential": False, "source_household_ref": None, "role": "child",
}


@pytest.fixture
def make_persons() -> Callable[..., pd.DataFrame]:
    """Build canonical person rows: ``make_persons(dict(source=..., ...), ...)``."""

    def build(*rows: dict) -> pd.DataFrame:
        return pd.DataFrame([{**BASE, **row} for row in rows])

    return build
