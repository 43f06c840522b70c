"""The HDMI display (1920x1080) in real Chromium: the setup QR while nobody owns the box, then the floor, the
judges' progress and a final's placings within a second of its last sheet."""

from __future__ import annotations

import time

import httpx

from appliance.trust.client import SignedClient
from tests.browser.shots import shot
from tests.browser.test_judge import server  # noqa: F401 - the fixture
from tests.server import Server

SCREEN = {"width": 1920, "height": 1080}


async def test_the_display_shows_setup_then_the_floor_and_a_final_within_a_second(server: Server, browser):
    context = await browser.new_context(viewport=SCREEN)
    page = await context.new_page()
    await page.goto(f"{server.base}/display/")
    await page.locator("#setup").filter(has_text="Nobody owns this box yet").wait_for()
    assert "/join#" in await page.locator("#qr-url").inner_text()
    await page.screenshot(path=shot("display-setup.png"))
    await page.set_viewport_size({"width": 1280, "height": 720})  # a smaller screen: the long URL wraps
    assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    await page.set_viewport_size(SCREEN)

    async with httpx.AsyncClient(base_url=server.base, timeout=10) as http:
        desk = await SignedClient.enrol(http, server.first_enrolment_url())
        judges = {}
        for letter in "ABCDEFG":
            made = (
                await desk.post("/api/enrolments", {"role": "adjudicator", "competition_id": 1, "judge": letter})
            ).json()
            judges[letter] = await SignedClient.enrol(http, made["url"])
        await page.reload()
        await page.locator("#board").wait_for()
        assert (await desk.post("/api/floors/2/start")).status_code == 200
        for _ in range(200):
            now = (await desk.get("/api/floors/2/status")).json()["now"]
            if now["event"] == "Senior Latin":
                break
            assert (await desk.post("/api/floors/2/next")).status_code == 200
        await page.locator("#now-event").filter(has_text="Senior Latin").wait_for(timeout=5000)
        task = (await judges["A"].get("/api/judge/tasks")).json()["tasks"][0]
        bibs = task["bibs"]
        for i, (letter, tablet) in enumerate(sorted(judges.items())):
            for dance in ("C", "R", "J"):
                order = bibs[i % 6 :] + bibs[: i % 6]
                places = {str(b): n + 1 for n, b in enumerate(order)}
                response = await tablet.post(f"/api/rounds/{task['round_id']}/sheets/{dance}", {"places": places})
                assert response.status_code == 200
                if (letter, dance) == ("C", "R"):
                    await page.locator("#progress").filter(has_text="R").wait_for()
        acknowledged = time.monotonic()
        await page.locator("#result li").first.wait_for(timeout=5000)
        shown_after = time.monotonic() - acknowledged
        await page.locator("#side-title .badge").filter(has_text="provisional").wait_for()
        await page.wait_for_timeout(7500)  # all six placings revealed, last to first
        await page.screenshot(path=shot("display-final.png"))
        items = await page.locator("#result li").all_inner_texts()
    await context.close()
    assert shown_after < 1.0, f"the display took {shown_after:.2f} s"
    assert len(items) == 6 and items[-1].startswith("1st")
