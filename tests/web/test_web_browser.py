"""The web app in a real headless Chromium (Debian's, driven by Playwright): log in, search
with a misspelled name, open the household, see the secret address masked for staff and shown
to Blijf Groep staff after a stated reason, and decide a review item as a steward."""

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from web_store import PASSWORD, REVIEW_ITEM, SHELTER

from hub.store.decisions import decisions_for_matching
from hub.web.app import create_app
from hub.web.config import WebConfig

CHROMIUM = Path(os.environ.get("HUB_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(filled_engine) -> Iterator[str]:
    """The app served by uvicorn on 127.0.0.1 in a thread; yields its base URL."""
    port = _free_port()
    config = uvicorn.Config(create_app(filled_engine, WebConfig()), host="127.0.0.1", port=port,
                            log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator:
    if not CHROMIUM.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI requires Chromium at {CHROMIUM} (apt-get install -y chromium)")
        pytest.skip(f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def _login(browser, base: str, username: str):
    page = browser.new_context().new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/households/H-FAMILY")  # no session: sent to the login page
    assert page.url == f"{base}/login"
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def test_staff_search_household_and_masking(server: str, browser) -> None:
    page = _login(browser, server, "staff")
    assert page.url == f"{server}/search"
    page.fill("input[name=name]", "Jan van der Bregh")  # misspelled
    page.click("form.search button[type=submit]")
    page.wait_for_selector("table.results")
    assert "*******82" in page.inner_text("table.results")
    assert "bsn" not in page.url.lower() and "Bregh" not in page.url
    row = page.locator("table.results tr", has_text="Jan van der Berg")
    row.locator("text=open household").click()
    page.wait_for_selector("section.member")
    text = page.inner_text("main")
    assert "Fatma Çelik" in text and "Sanne Bakker" in text and "06-12345678" in text
    assert "confidential address" in text and SHELTER["street"] not in page.content()
    page.click("text=Fatma Çelik")
    page.wait_for_selector("section.record")
    assert page.locator("text=Reveal address").count() == 0
    assert SHELTER["street"] not in page.content()


def test_blijf_groep_staff_reveal_the_secret_address(server: str, browser) -> None:
    page = _login(browser, server, "blijf")
    page.goto(f"{server}/persons/P-MOTHER")
    assert SHELTER["street"] not in page.content()
    form = page.locator("form.reveal", has=page.locator("button[value=address]"))
    form.locator("input[name=reason]").fill("safety check before the home visit")
    form.locator("button[value=address]").click()
    page.wait_for_selector("p.revealed")
    assert SHELTER["street"] in page.inner_text("p.revealed")


def test_steward_decides_a_review_item(server: str, browser, filled_engine) -> None:
    page = _login(browser, server, "steward")
    assert page.url == f"{server}/review"
    page.click(f"a[href='/review/{REVIEW_ITEM}']")
    page.wait_for_selector("form.decide")
    assert "R-5" in page.inner_text("main") and "VT-2" in page.inner_text("main")
    page.fill("form.decide input[name=reason]", "birth dates differ by months")
    page.click("form.decide button[value=cannot_link]")
    page.wait_for_url(f"{server}/review?decided=1")
    assert "birth dates differ by months" in page.inner_text("table.history")
    assert decisions_for_matching(filled_engine)["decision"].tolist() == ["cannot_link"]
