"""Legible and usable: no text under 16 px on the tablet, touch targets of at least 48 px, everything reachable
by keyboard, and no page that needs horizontal scrolling on a phone."""

from __future__ import annotations

import httpx

from appliance.trust.client import SignedClient
from tests.browser.test_judge import TABLET, _judge_page, server  # noqa: F401 - the fixture

PHONE = {"width": 375, "height": 740}
SMALLEST_TEXT = """() => {
  let smallest = 1000;
  for (const node of document.querySelectorAll("body *")) {
    const style = getComputedStyle(node);
    if (style.display === "none" || style.visibility === "hidden" || !node.offsetParent) continue;
    if ([...node.childNodes].some((c) => c.nodeType === 3 && c.textContent.trim())) {
      smallest = Math.min(smallest, parseFloat(style.fontSize));
    }
  }
  return smallest;
}"""
SMALLEST_TARGET = """() => Math.min(1000, ...[...document.querySelectorAll("button, input, select, a")]
  .filter((n) => n.offsetParent)
  .map((n) => Math.min(n.getBoundingClientRect().width, n.getBoundingClientRect().height)))"""


async def test_the_judge_tablet_has_large_text_and_targets_and_works_by_keyboard(server, browser):
    async with httpx.AsyncClient(base_url=server.base, timeout=10) as http:
        desk = await SignedClient.enrol(http, server.first_enrolment_url())
        context, page = await _judge_page(browser, desk, "D")
        assert (await desk.post("/api/floors/1/start")).status_code == 200
        await page.locator(".couples button").first.wait_for()
        assert await page.evaluate(SMALLEST_TEXT) >= 16
        assert await page.evaluate(SMALLEST_TARGET) >= 48
        await page.locator(".couples button").first.focus()
        await page.keyboard.press("Enter")  # a bib is crossed with the keyboard alone
        assert await page.locator(".couples button[aria-pressed='true']").count() == 1
        await context.close()


async def test_public_pages_fit_a_phone_without_horizontal_scrolling(server, browser):
    context = await browser.new_context(viewport=PHONE)
    page = await context.new_page()
    for path in ("/results/", "/register/", "/"):
        await page.goto(f"{server.base}{path}")
        await page.wait_for_load_state("networkidle")
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} is {width} px wide on a {PHONE['width']} px phone"
        assert await page.evaluate(SMALLEST_TEXT) >= 16
    await context.close()
