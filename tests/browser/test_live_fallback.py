"""Issue 9, point 2, the pages' side: when the box refuses the live stream (503, the viewers' cap is reached),
the hall display and the results page poll instead, and go back to the stream once it has room (real Chromium,
Playwright's fake clock for the retry delay, so nothing waits on wall time)."""

from __future__ import annotations

import asyncio
import socket

import httpx
import pytest

from appliance.trust.client import SignedClient
from tests.server import Server


@pytest.fixture
def one_viewer(tmp_path):
    running = Server(tmp_path, env={"FLOORCRAFT_LIVE_MAX_VIEWERS": "1"}).start()
    yield running
    running.kill()


def _hold_the_stream(server: Server) -> socket.socket:
    """The one viewer the box allows: a raw stream that stays open."""
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    sock.sendall(b"GET /api/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    assert sock.recv(4096).startswith(b"HTTP/1.1 200")
    return sock


async def test_the_display_polls_while_the_stream_is_full_and_returns_to_it(one_viewer: Server, browser):
    held = _hold_the_stream(one_viewer)
    async with httpx.AsyncClient(base_url=one_viewer.base, timeout=10) as http:
        refused = await http.get("/api/live")
        assert refused.status_code == 503 and int(refused.headers["retry-after"]) > 0
        assert refused.json()["error"]["code"] == "too_many_viewers"
        desk = await SignedClient.enrol(http, one_viewer.first_enrolment_url())  # the display shows the board
        context = await browser.new_context(viewport={"width": 1920, "height": 1080})
        page = await context.new_page()
        polled = []
        page.on("request", lambda r: polled.append(r.url) if "/api/live/state" in r.url else None)
        await page.clock.install()
        try:
            await page.goto(f"{one_viewer.base}/display/")
            await page.locator("html[data-live=polling]").wait_for(timeout=10000)
            assert (await desk.post("/api/floors/1/start")).status_code == 200
            before = len(polled)
            await page.clock.fast_forward(6000)  # one polling interval
            await page.locator("#now-event").filter(has_text="Adult Standard").wait_for(timeout=10000)
            assert len(polled) > before  # shown by polling /api/live/state, not by the stream
            phone = await context.new_page()  # the results page falls back the same way
            await phone.goto(f"{one_viewer.base}/results/")
            await phone.locator("html[data-live=polling]").wait_for(timeout=10000)
            await phone.locator("#status").filter(has_text="No results yet").wait_for(timeout=10000)
            await phone.close()
            held.close()  # the stream has room again
            for _ in range(50):  # the retry comes within 60 s of page time; the server frees the slot meanwhile
                await page.clock.fast_forward(2000)
                if await page.evaluate("document.documentElement.dataset.live") == "stream":
                    break
                await asyncio.sleep(0.1)
            assert await page.evaluate("document.documentElement.dataset.live") == "stream"
        finally:
            held.close()
            await context.close()
