"""Small hand-made person records for the matching tests (synthetic, no real people)."""

from collections.abc import Callable

import pandas as pd
import pytest

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
