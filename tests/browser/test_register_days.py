"""Issue 12 point 5: the registration page says when the competition is in plain words, in the reader's language:
"am 5. Dezember 2026" / "on December 5, 2026" for one day, "vom 5. Dezember bis 6. Dezember 2026" / "from
December 5 to December 6, 2026" for several (never "ab", "from" a first day only), and when registration closes.

One box (no demo) with a one-day and a two-day competition, each with a couple's link; one Chromium."""

from __future__ import annotations

import httpx

from tests.conftest import Api
from tests.server import Server

CLOSES = "2030-12-04T12:00:00+00:00"  # the 4th in any time zone the browser is in


async def _links(server: Server) -> tuple[str, str]:
    async with httpx.AsyncClient(base_url=server.base, timeout=30) as http:
        api = await Api.of_owner(http, server)
        one = await api.competition(name="Club Night", starts_on="2026-12-05", ends_on="2026-12-05", venue="Hall")
        two = await api.competition(name="Open", starts_on="2026-12-05", ends_on="2026-12-06", venue="Hall")
        return (await api.link(one["id"]))["url"], (await api.link(two["id"], closes_at=CLOSES))["url"]


async def _about(browser, locale: str, url: str) -> str:
    context = await browser.new_context(locale=locale)
    try:
        page = await context.new_page()
        await page.goto(url)
        about = page.locator("#about")
        await about.filter(has_text="Hall").wait_for()
        return await about.inner_text()
    finally:
        await context.close()


async def test_one_day_says_on_and_several_days_say_from_to(tmp_path, browser):
    server = Server(tmp_path, demo=False).start()
    try:
        one_day, two_days = await _links(server)
        assert await _about(browser, "de-DE", one_day) == "Hall, am 5. Dezember 2026."
        assert await _about(browser, "en-US", one_day) == "Hall, on December 5, 2026."
        german = await _about(browser, "de-DE", two_days)
        assert german.startswith("Hall, vom 5. Dezember bis 6. Dezember 2026. Meldeschluss: 4. Dezember 2030"), german
        english = await _about(browser, "en-US", two_days)
        said = "Hall, from December 5 to December 6, 2026. Registration closes December 4, 2030"
        assert english.startswith(said), english
    finally:
        server.kill()
