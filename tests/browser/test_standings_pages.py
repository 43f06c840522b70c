"""Issue #10 point 2 in real Chromium: the phones' results page and the hall display show the places of the
couples out in the 1st round ("14.-26.") while the semi-final and the final are still to be danced."""

from __future__ import annotations

import httpx

from appliance.trust.client import SignedClient
from tests.browser.test_judge import server  # noqa: F401 - the fixture
from tests.server import Server

SCREEN = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}


async def _judge_first_round(desk: SignedClient) -> list[int]:
    """The demo's Adult Standard Open (26 couples, 7 judges, 5 dances): the 1st round recalls 12, keyed in.
    Every judge crosses the same 11 couples; A crosses the 13th, the others the 12th: a clean cut at 12,
    the 13th couple alone on 13th place (5 crosses), the other 13 out share 14th to 26th (none)."""
    plan = (await desk.get("/api/events/1/plan")).json()
    first = plan["rounds"][0]
    bibs = sorted(b for h in first["heats"]["W"] for b in h)
    assert first["recall"] == 12 and len(bibs) == 26
    for dance in first["heats"]:
        for letter in "ABCDEFG":
            crosses = [*bibs[:11], bibs[12] if letter == "A" else bibs[11]]
            answer = await desk.post(f"/api/rounds/{first['id']}/sheets/{dance}/judges/{letter}", {"crosses": crosses})
            assert answer.status_code == 200, answer.text
    assert answer.json()["round_state"] == "closed"
    return bibs


async def test_the_results_page_and_the_display_place_the_couples_out_while_the_event_runs(
    server: Server,
    browser,
):
    async with httpx.AsyncClient(base_url=server.base, timeout=10) as http:
        desk = await SignedClient.enrol(http, server.first_enrolment_url())
        bibs = await _judge_first_round(desk)
    phone = await browser.new_context(viewport=PHONE)
    page = await phone.new_page()
    await page.goto(f"{server.base}/results/")
    places = page.locator("#event-1 .card.placed")  # a card per couple placed; the recalled ones have none yet
    await places.first.wait_for(timeout=10000)
    by_bib = {
        int(await c.get_attribute("data-bib")): await c.locator(".place").inner_text() for c in await places.all()
    }
    assert by_bib[bibs[12]] == "13." and {by_bib[b] for b in bibs[13:]} == {"14.-26."}
    assert set(by_bib) == set(bibs[12:])  # the 12 couples still dancing have no place yet
    await phone.close()

    hall = await browser.new_context(viewport=SCREEN)
    display = await hall.new_page()
    await display.goto(f"{server.base}/display/")
    shown = display.locator("#result .out-places")
    await shown.filter(has_text="14.-26.").wait_for(timeout=10000)
    text = await shown.inner_text()
    assert text.startswith(f"13. No. {bibs[12]}") and f"14.-26. No. {' '.join(str(b) for b in bibs[13:])}" in text
    await hall.close()
