"""Issue #12 point 4 in real Chromium: the box's front page introduces it (its pages, how to join), its favicon
is an image the browser draws, on a desktop and on a 360 px phone, under the Content-Security-Policy."""

from __future__ import annotations

import pytest

from tests.browser import shots
from tests.server import Server

DRAWN_ICON = """async () => {
  const link = document.querySelector('link[rel="icon"]');
  const image = new Image();
  const drawn = new Promise((done) => {
    image.onload = () => done(image.naturalWidth);
    image.onerror = () => done(0);
  });
  image.src = link.href;
  return [new URL(link.href).pathname, await drawn];
}"""


@pytest.fixture
def box(tmp_path):
    running = Server(tmp_path).start()
    yield running
    running.kill()


async def test_the_front_page_introduces_the_box_and_leads_to_its_pages(box, browser):
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    await page.goto(f"{box.base}/")
    assert await page.locator("h1").count() == 1
    assert await page.get_by_role("heading", name="How to join").is_visible()
    nav = page.get_by_role("navigation")
    for name in ("Desk", "Display", "Results"):
        assert await nav.get_by_role("link", name=name, exact=True).is_visible(), name
    assert await page.evaluate(DRAWN_ICON) == ["/favicon.svg", 64]  # the SVG's own size: it was drawn
    await page.screenshot(path=shots.shot("home.png"), full_page=True)
    await nav.get_by_role("link", name="Results", exact=True).click()
    await page.wait_for_url("**/results/")
    assert await page.evaluate(DRAWN_ICON) == ["/favicon.svg", 64]  # the results page links it too
    await context.close()
    assert problems == []


async def test_the_front_page_on_a_phone(box, browser):
    context = await browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2)
    page = await context.new_page()
    await page.goto(f"{box.base}/")
    await page.wait_for_load_state("load")
    assert await page.evaluate("document.documentElement.scrollWidth") <= 360
    await page.screenshot(path=shots.shot("home-phone.png"), full_page=True)
    await context.close()
