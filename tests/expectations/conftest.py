"""Fixtures of the validation tests; the builders live in validation_cases.py."""

from collections.abc import Callable

import pandas as pd
import pytest
from validation_cases import frame, person, registration, write_staging


@pytest.fixture
def make_person() -> Callable[..., dict]:
    return person


@pytest.fixture
def make_registration() -> Callable[..., dict]:
    return registration


@pytest.fixture
def make_frame() -> Callable[[list[dict]], pd.DataFrame]:
    return frame


@pytest.fixture
def stage() -> Callable[..., None]:
    return write_staging


@pytest.fixture
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """CLI tables 400 columns wide, so assertions do not depend on the terminal."""
    from hub.console import console, err_console

    for target in (console, err_console):
        monkeypatch.setattr(target, "_width", 400)
