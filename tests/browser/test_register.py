"""The public registration page in real Chromium: a couple opens the link, picks events and registers."""

from __future__ import annotations

import httpx

from appliance.trust.client import SignedClient
from tests.server import Server


async def test_a_couple_registers_through_the_link(tmp_path, browser):
    box = Server(tmp_path, demo=False).start()
    try:
        async with httpx.AsyncClient(base_url=box.base, timeout=10) as http:
            desk = await SignedClient.enrol(http, box.first_enrolment_url())
            await desk.post(
                "/api/competitions/",
                {"name": "Spring Cup", "starts_on": "2026-12-05", "ends_on": "2026-12-05", "venue": "Hall"},
            )
            await desk.post(
                "/api/competitions/1/events", {"name": "Adult Latin", "style": "latin", "dances": ["C", "R", "J"]}
            )
            link = (await desk.post("/api/competitions/1/registration-links", {"role": "couple"})).json()
            context = await browser.new_context(viewport={"width": 375, "height": 740})
            page = await context.new_page()
            await page.goto(link["url"])
            await page.locator("#title").filter(has_text="Spring Cup").wait_for()
            await page.fill("#leader", "Anna Adler")
            await page.fill("#follower", "Ben Berger")
            await page.fill("#country", "ger")
            await page.get_by_label("Adult Latin (Cha Cha, Rumba, Jive)").check()
            await page.get_by_role("button", name="Register").click()
            await page.locator("#status").filter(has_text="Registered: Anna Adler / Ben Berger").wait_for()
            await page.fill("#leader", "Anna Adler")
            await page.fill("#follower", "Ben Berger")
            await page.get_by_label("Adult Latin (Cha Cha, Rumba, Jive)").check()
            await page.get_by_role("button", name="Register").click()
            await page.locator("#status").filter(has_text="already entered in Adult Latin").wait_for()
            await context.close()
            entries = (await desk.get("/api/competitions/1/entries")).json()
        assert [(e["couple"]["leader"], e["couple"]["country"]) for e in entries] == [("Anna Adler", "GER")]
    finally:
        box.kill()
