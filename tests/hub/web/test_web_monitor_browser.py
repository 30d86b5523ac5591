"""The monitor page in headless Chromium at 390 px: charts drawn, no sideways page scroll, no
Content-Security-Policy violation (no inline style or script)."""

import pytest
from test_web_browser import browser, server  # noqa: F401 - fixtures
from web_store import PASSWORD

from hub.access.users import create_user

pytestmark = pytest.mark.browser


def test_monitor_at_390_px(filled_engine, server: str, browser) -> None:  # noqa: F811
    create_user(filled_engine, "mona", PASSWORD, "manager", display_name="Mona Manager")
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(f"{server}/login")
    page.fill("input[name=username]", "mona")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert page.url.endswith("/monitor")
    page.goto(f"{server}/monitor?van=2025-10&tot=2026-03")
    assert page.locator("figure.chart svg").count() >= 10
    box = page.locator("figure.chart svg").first.bounding_box()
    assert box is not None and 200 < box["width"] <= 390
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways: {width} px"
    assert not [p for p in problems if "Content Security Policy" in p], problems
    context.close()
