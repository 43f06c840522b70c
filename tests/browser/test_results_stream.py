"""Issue 13: the phone's results page follows the results-only stream (`/api/live?only=results`) and refreshes
when a result comes (here a withdrawal), while a judge's sheet or a floor move sends it nothing. Real Chromium on
a real box with the demo, its stream served by a fan-out worker."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from appliance.trust.client import SignedClient
from tests.server import Server


@pytest.fixture
def demo_box(tmp_path):
    running = Server(tmp_path, demo=True).start()
    yield running
    running.kill()


async def _opened(browser, base: str, seen: str) -> tuple:
    """The results page on a phone, its stream open; (its context, the URLs it asked for containing `seen`)."""
    context = await browser.new_context()
    page = await context.new_page()
    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url) if seen in r.url else None)
    await page.goto(f"{base}/results/")
    await page.locator("html[data-live=stream]").wait_for(timeout=10000)
    return context, page, urls


async def test_the_results_page_follows_results_only_and_refreshes_on_one(demo_box: Server, browser):
    async with httpx.AsyncClient(base_url=demo_box.base, timeout=30) as http:
        desk = await SignedClient.enrol(http, demo_box.first_enrolment_url())
        competition = (await desk.get("/api/competitions/")).json()[0]
        entry = (await desk.get(f"/api/competitions/{competition['id']}/entries")).json()[0]
        context, page, streams = await _opened(browser, demo_box.base, "/api/live")
        try:
            assert streams == [f"{demo_box.base}/api/live?only=results"]
            async with page.expect_request(lambda r: "/api/public/results" in r.url, timeout=10000):
                withdrawn = await desk.post(f"/api/entries/{entry['id']}/withdraw", {"reason": "injury"})
                assert withdrawn.status_code == 200, withdrawn.text
            assert streams == [f"{demo_box.base}/api/live?only=results"]  # the same stream, still open
        finally:
            await context.close()


async def test_the_page_fetches_again_when_the_streams_first_frame_comes(demo_box: Server, browser):
    """A change committed after the stream's headers but before its state was read (while a fan-out worker starts,
    say) is in the stream's first frame, the state, not a live event: a page that does not read that frame
    fetches what it shows when it comes (web/lib/live.js), after the fetch the stream's opening made."""
    context, _, fetched = await _opened(browser, demo_box.base, "/api/public/results")
    try:
        async with asyncio.timeout(10):
            while len(fetched) < 3:  # the page's first fetch, the stream's opening's, the state frame's
                await asyncio.sleep(0.05)  # the page's fetches (bounded above)
    finally:
        await context.close()
