"""'Is dit gezin bekend?' in headless Chromium on a phone (390 px): a local team's professional
asks about a mother and child and sees only 'known' and whom to call; axe-core finds no serious
or critical problem on the form, the answer or the error message."""

import os
from collections.abc import Iterator

import pytest
from test_web_browser import AXE, PHONE, _axe, _login, _no_horizontal_scroll
from test_web_browser import browser as browser
from test_web_lookup import PURPOSE
from test_web_lookup import engine as engine
from web_helpers import live_server

from hub.web.app import create_app
from hub.web.config import WebConfig

pytestmark = pytest.mark.browser


@pytest.fixture
def lookup_server(engine) -> Iterator[str]:
    with live_server(create_app(engine, WebConfig())) as url:
        yield url


def test_outside_professional_asks_on_a_phone(lookup_server: str, browser) -> None:
    if not AXE.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI requires axe-core at {AXE} (make axe)")
        pytest.skip(f"no axe-core at {AXE}: run make axe")
    page = _login(browser, lookup_server, "outside", PHONE)
    assert page.url == f"{lookup_server}/lookup"
    assert page.get_attribute("html", "lang") == "nl"
    assert "Is dit gezin bekend?" in page.inner_text("h1")
    _no_horizontal_scroll(page)
    problems = {"form": _axe(page)}
    page.fill("input[name=purpose]", PURPOSE)
    page.fill("input[name=first_names_0]", "Fatma")
    page.fill("input[name=surname_0]", "Celk")
    page.fill("input[name=age_0]", "41")
    page.fill("input[name=first_names_1]", "Jan")
    page.fill("input[name=surname_1]", "van der Bergh")
    page.fill("input[name=birth_date_1]", "2014")
    page.click("form.lookup button[type=submit]")
    page.wait_for_selector("#answer")
    main = page.inner_text("main")
    assert "Bekend" in page.inner_text("#answer")
    assert "Sanne Bakker" in main  # the child's case worker at Veilig Thuis
    assert "P-CHILD" not in main and "Dorpsstraat" not in page.content()
    _no_horizontal_scroll(page)
    problems["answer"] = _axe(page)
    page.fill("input[name=purpose]", PURPOSE)
    page.fill("input[name=birth_date_1]", "31-2-2014")
    page.click("form.lookup button[type=submit]")
    page.wait_for_selector("p.error")
    assert "Persoon 2" in page.inner_text("p.error")
    problems["error"] = _axe(page)
    assert {k: v for k, v in problems.items() if v} == {}
