"""The web app in a real headless Chromium (Debian's, driven by Playwright): log in, search
with a misspelled name, go back to the results, call the case worker, on a phone-sized screen
without horizontal scrolling; see the secret address masked for staff and shown to Blijf Groep
staff after a stated reason; decide a review item as a steward; axe-core finds no serious or
critical accessibility problem on any page, at phone and tablet width."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from web_helpers import live_server
from web_store import PASSWORD, REVIEW_ITEM, SECOND_ITEM, SHELTER

from hub.store.decisions import decisions_for_matching
from hub.web.app import create_app
from hub.web.config import WebConfig

CHROMIUM = Path(os.environ.get("HUB_CHROMIUM", "/usr/bin/chromium"))
AXE = Path(os.environ.get("HUB_AXE_JS") or Path(__file__).resolve().parents[3] / ".venv" / "npm"
           / "node_modules" / "axe-core" / "axe.min.js")
"""axe-core from the npm registry, installed by ``make axe`` (``make test`` depends on it)."""
GROUP = min(REVIEW_ITEM, SECOND_ITEM)
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 800, "height": 1000}
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.browser


@pytest.fixture
def server(filled_engine) -> Iterator[str]:
    """The app served by uvicorn on 127.0.0.1 in a thread; yields its base URL."""
    with live_server(create_app(filled_engine, WebConfig())) as url:
        yield url


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


def _login(browser, base: str, username: str, viewport: dict | None = None):
    page = browser.new_context(viewport=viewport or TABLET).new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/households/H-FAMILY")  # no session: sent to the login page
    assert page.url == f"{base}/login"
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def _no_horizontal_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width} px wide"


def test_staff_find_a_family_go_back_and_call_on_a_phone(server: str, browser) -> None:
    page = _login(browser, server, "staff", PHONE)
    assert page.url == f"{server}/search"
    assert page.get_attribute("html", "lang") == "nl"
    page.fill("input[name=name]", "Jan van der Bregh")  # misspelled
    page.click("form.search button[type=submit]")
    page.wait_for_selector("ul.results")
    results_url = page.url
    assert "/search/results/" in results_url
    assert "bsn" not in page.url.lower() and "Bregh" not in page.url
    assert "*******82" in page.inner_text("main") and "Waarom gevonden" in page.inner_text("main")
    _no_horizontal_scroll(page)
    page.locator("section.result-group", has_text="Jan van der Berg").locator(
        "h2 a").first.click()
    page.wait_for_selector("ul.cases.active")
    _no_horizontal_scroll(page)
    page.go_back()
    page.wait_for_selector("ul.results")  # the results again, no "confirm form resubmission"
    assert page.url == results_url
    page.locator("section.result-group", has_text="Jan van der Berg").locator(
        "h2 a").first.click()
    page.wait_for_selector("ul.cases.active")
    active = page.inner_text("ul.cases.active")
    assert "Sanne Bakker" in active and "Lopende zaken" in page.inner_text("main")
    call = page.locator("ul.cases.active a[href='tel:0612345678']")
    assert call.count() == 1 and call.inner_text() == "06-12345678"
    assert page.locator("a[href='mailto:opvang@blijf.example']").count() == 1
    text = page.inner_text("main")
    assert "Fatma Çelik" in text and "geheim adres" in text
    assert SHELTER["street"] not in page.content()
    page.click("text=Fatma Çelik")
    page.wait_for_selector("section.record")
    assert page.locator("text=Adres tonen").count() == 0
    assert SHELTER["street"] not in page.content()
    _no_horizontal_scroll(page)


def test_keyboard_only_search_and_open_a_household(server: str, browser) -> None:
    page = _login(browser, server, "staff", PHONE)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    box = page.locator("a.skip").bounding_box()
    assert box is not None and box["x"] >= 0  # the skip link shows when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.focus("input[name=name]")
    page.keyboard.type("Jan van der Bregh")
    page.keyboard.press("Enter")  # submits the form
    page.wait_for_selector("ul.results")
    link = page.locator("section.result-group h2 a").first
    link.focus()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")  # focus is visible
    page.keyboard.press("Enter")
    page.wait_for_selector("ul.cases.active")


def _axe(page) -> list[dict]:
    """Serious and critical axe-core violations of the page (evaluated through the DevTools
    protocol, so the page's Content-Security-Policy needs no exception)."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate("""async () => {
        const r = await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
        return {passes: r.passes.length, violations: r.violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))};
    }""")
    assert found["passes"] > 5, "axe-core did not check the page"
    return found["violations"]


STAFF_PAGES = ["/search", "/households/H-FAMILY", "/households/H-OTHER", "/persons/P-CHILD",
               "/persons/P-MOTHER", "/persons/NOBODY"]
STEWARD_PAGES = ["/overview", "/review", f"/review/{REVIEW_ITEM}", f"/review/group/{GROUP}",
                 "/quarantine", "/persons/P-CHILD"]
ADMIN_PAGES = ["/admin/users", "/admin/audit"]


@pytest.mark.parametrize("viewport", [PHONE, TABLET], ids=["390px", "800px"])
def test_every_page_is_accessible_and_fits(server: str, browser, viewport: dict) -> None:
    if not AXE.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI requires axe-core at {AXE} (make axe)")
        pytest.skip(f"no axe-core at {AXE}: run make axe")
    problems = {}
    anonymous = browser.new_context(viewport=viewport).new_page()
    anonymous.goto(f"{server}/login")
    problems["/login"] = _axe(anonymous)
    _no_horizontal_scroll(anonymous)
    staff = _login(browser, server, "staff", viewport)
    staff.fill("input[name=name]", "Berg")
    staff.click("form.search button[type=submit]")
    staff.wait_for_selector("ul.results")
    problems["results"] = _axe(staff)
    for user, paths in (("staff", STAFF_PAGES), ("steward", STEWARD_PAGES),
                        ("admin", ADMIN_PAGES)):
        page = staff if user == "staff" else _login(browser, server, user, viewport)
        for path in paths:
            page.goto(f"{server}{path}")
            assert page.get_attribute("html", "lang") == "nl"
            _no_horizontal_scroll(page)
            problems[path] = _axe(page)
    assert {k: v for k, v in problems.items() if v} == {}


def test_blijf_groep_staff_reveal_the_secret_address(server: str, browser) -> None:
    page = _login(browser, server, "blijf")
    page.goto(f"{server}/persons/P-MOTHER")
    assert SHELTER["street"] not in page.content()
    form = page.locator("form.reveal", has=page.locator("button[value=address]"))
    form.locator("select[name=category]").select_option("safety")
    form.locator("input[name=reason]").fill("safety check before the home visit")
    form.locator("button[value=address]").click()
    page.wait_for_selector("p.revealed")
    assert SHELTER["street"] in page.inner_text("p.revealed")


def test_steward_decides_a_group_undoes_it_and_splits_a_person(server: str, browser,
                                                               filled_engine) -> None:
    page = _login(browser, server, "steward", PHONE)
    assert page.url == f"{server}/review"
    page.click(f"a[href='/review/group/{GROUP}']")
    page.wait_for_selector("form.group-decide")
    main = page.inner_text("main")
    assert "R-5" in main and "VT-2" in main and "J-2" in main and "volgende verwerking" in main
    _no_horizontal_scroll(page)
    page.check(f"input[name='d_{REVIEW_ITEM}'][value=cannot_link]")
    page.fill("form.group-decide input[name=reason]", "birth dates differ by months")
    page.click("form.group-decide button[type=submit]")
    page.wait_for_url(f"{server}/review?decided=1")
    history = page.inner_text("table.history")
    assert "birth dates differ by months" in history
    assert "Afwijzen: verschillende personen" in history
    assert decisions_for_matching(filled_engine)["decision"].tolist() == ["cannot_link"]
    page.click("table.history button:has-text('Terugdraaien')")
    page.wait_for_url(f"{server}/review?undone=1")
    assert "teruggedraaid op" in page.inner_text("table.history")
    assert decisions_for_matching(filled_engine).empty
    page.goto(f"{server}/persons/P-CHILD")
    form = page.locator("form.split", has=page.locator("input[value='J-2']"))
    form.locator("input[name=reason]").fill("another child entirely")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("p.revealed")
    assert "Splitsing vastgelegd" in page.inner_text("p.revealed")
    assert decisions_for_matching(filled_engine)["right_record_id"].tolist() == ["VT-2"]
