"""Issue #12 points 5 and 7 in real Chromium: on the phone's results page, a couple's reason for its place and why
a couple is withdrawn are said in the page's language (German to a German browser, English to an English one).

The box: tests/api/test_reasons_german.py's final (Rule 10 decides the 4th and 5th places, one couple withdrawn
after the Cha Cha); one Chromium for the module."""

from __future__ import annotations

import httpx
import pytest
from playwright.async_api import expect

from appliance.trust.client import SignedClient
from tests.api.test_reasons_german import judge_final
from tests.browser.conftest import box_of
from tests.browser.shared import shared_browser
from tests.browser.shots import shot
from tests.conftest import Api
from tests.server import Server

pytestmark = pytest.mark.asyncio(loop_scope="module")
PHONE = {"width": 360, "height": 740}


async def _set_up(server: Server) -> dict:
    async with httpx.AsyncClient(base_url=server.base, timeout=30) as http:
        owner = await SignedClient.enrol(http, server.first_enrolment_url())
        return await judge_final(Api(http, owner))


box = box_of(_set_up)
browser = shared_browser  # one Chromium for the module's tests


async def _cards(browser, server: Server, facts: dict, locale: str):
    """The phone page in `locale` with the Rule 10 couple's and the withdrawn couple's marks and reasons opened."""
    context = await browser.new_context(locale=locale, viewport=PHONE)
    page = await context.new_page()
    await page.goto(f"{server.base}/results/")
    cards = [page.locator(f".card[data-bib='{bib}']") for bib in (facts["bibs"][3], facts["withdrawn"])]
    for card in cards:
        await card.locator("details.marks summary").click()
        await expect(card.locator(".reason")).not_to_be_empty(timeout=10000)
    return context, page, cards


async def test_the_reasons_and_the_withdrawal_are_said_in_the_page_s_language(box, browser):
    server, facts = box
    context, page, (fourth, gone) = await _cards(browser, server, facts, "de-DE")
    await expect(fourth.locator(".reason")).to_contain_text("4., nicht 5.: Regel 10, mit 4. oder besser platziert")
    await expect(gone.locator(".why")).to_have_text("in der Endrunde zurückgezogen: injury")
    await expect(gone.locator(".reason")).to_contain_text("Zurückgezogen (injury), getanzt: C; in R von jedem")
    await expect(gone.locator(".reason")).to_contain_text("6.: Regel 9")
    body = await page.locator("main").inner_text()
    assert [w for w in ("Rule", "withdrawn in", "Withdrawn (", "dance places", "majority") if w in body] == [], body
    await page.screenshot(path=shot("results-reasons-phone-de.png"), full_page=True)
    await context.close()
    context, page, (fourth, gone) = await _cards(browser, server, facts, "en-US")
    await expect(fourth.locator(".reason")).to_contain_text("4th, not 5th: Rule 10, placed 4th or better")
    await expect(gone.locator(".why")).to_have_text("withdrawn in the Final: injury")
    await expect(gone.locator(".reason")).to_contain_text("Withdrawn (injury) after dancing C: placed last in R")
    await context.close()
