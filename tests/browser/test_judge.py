"""The judge's tablet in real Chromium: enrol by opening the QR URL, mark a recall round and a final (correcting
one place), lose the network in the middle of a round and see the sheet accepted exactly once when it comes back."""

from __future__ import annotations

import asyncio
import json
import sqlite3

import httpx
import pytest

from appliance.trust.client import SignedClient
from tests.browser.shots import shot
from tests.server import Server

TABLET = {"width": 800, "height": 1280}  # a 10-inch tablet, portrait
ORDINALS = ["1st", "2nd", "3rd", "4th", "5th", "6th"]


@pytest.fixture
def server(tmp_path):
    running = Server(tmp_path).start()
    yield running
    running.kill()


async def _desk(server: Server, http: httpx.AsyncClient) -> SignedClient:
    return await SignedClient.enrol(http, server.first_enrolment_url())


async def _judge_page(browser, desk: SignedClient, judge: str = "A"):
    made = (await desk.post("/api/enrolments", {"role": "adjudicator", "competition_id": 1, "judge": judge})).json()
    context = await browser.new_context(viewport=TABLET)
    page = await context.new_page()
    await page.goto(made["url"])
    await page.wait_for_url("**/judge/")
    return context, page


def sheets(server: Server) -> list[tuple]:
    conn = sqlite3.connect(server.data_dir / "floorcraft.sqlite3")
    try:
        return conn.execute(
            "SELECT s.dance, a.letter, s.version FROM sheets s "
            "JOIN adjudicators a ON a.id = s.adjudicator_id ORDER BY s.id"
        ).fetchall()
    finally:
        conn.close()


def marks(server: Server, dance: str, judge: str) -> object:
    """The marks the box holds of one judge's sheet of a dance (the newest version)."""
    conn = sqlite3.connect(server.data_dir / "floorcraft.sqlite3")
    try:
        row = conn.execute(
            "SELECT s.marks FROM sheets s JOIN adjudicators a ON a.id = s.adjudicator_id "
            "WHERE s.dance = ? AND a.letter = ? ORDER BY s.id DESC",
            (dance, judge),
        ).fetchone()
        return json.loads(row[0])
    finally:
        conn.close()


async def _cross(page, count: int, start: int = 0) -> list[int]:
    buttons = page.locator(".couples button")
    await buttons.first.wait_for()
    bibs = [int(b) for b in await buttons.all_inner_texts()][start:count]
    for bib in bibs:
        await page.locator(f'.couples button[data-bib="{bib}"]').click()
    return bibs


async def test_a_judge_enrols_by_qr_and_marks_a_recall_round(server, browser):
    async with httpx.AsyncClient(base_url=server.base, timeout=10) as http:
        desk = await _desk(server, http)
        context, page = await _judge_page(browser, desk)
        assert "#" not in page.url  # the secret left the address bar
        assert (await desk.post("/api/floors/1/start")).status_code == 200
        await page.locator("#title").filter(has_text="Adult Standard Open").wait_for()
        assert "0 of 12 crossed" in await page.locator("#hint").inner_text()
        assert await page.locator("#send").is_disabled()
        await _cross(page, 11)
        assert await page.locator("#send").is_disabled()  # not until exactly twelve
        await _cross(page, 12, start=11)
        assert "12 of 12 crossed" in await page.locator("#hint").inner_text()
        await page.screenshot(path=shot("judge-recall.png"))
        await page.locator("#send").click()
        await page.locator("#sure").click()
        await page.locator("#receipt").filter(has_text="Checksum").wait_for()
        receipt = (await page.locator("#receipt").inner_text()).split()
        checksum = receipt[receipt.index("Checksum") + 1]  # the receipt goes on with the sheet's log position
        progress = (await desk.get("/api/competitions/1/progress")).json()
        first = next(r for r in progress["rounds"] if r["event"] == "Adult Standard Open")
        assert "A" in first["dances"][0]["sent"]
        await context.close()
    assert sheets(server) == [("W", "A", 1)] and len(checksum) == 16


async def test_a_sheet_sent_offline_is_accepted_exactly_once_when_the_tablet_is_back(server, browser):
    async with httpx.AsyncClient(base_url=server.base, timeout=10) as http:
        desk = await _desk(server, http)
        context, page = await _judge_page(browser, desk, "B")
        assert (await desk.post("/api/floors/1/start")).status_code == 200
        await page.locator("#title").filter(has_text="Adult Standard Open").wait_for()
        await context.set_offline(True)
        await _cross(page, 12)
        await page.locator("#send").click()
        await page.locator("#sure").click()
        await page.locator("#pending").filter(has_text="1 queued, not yet received").wait_for()
        await page.screenshot(path=shot("judge-offline.png"))
        page.on("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))  # "leave with a queued sheet?"
        with pytest.raises(Exception, match="ERR_INTERNET_DISCONNECTED"):
            await page.reload()  # plain HTTP has no service worker: the reload itself fails while offline ...
        await context.set_offline(False)
        await page.goto(f"{server.base}/judge/")  # ... and the queued sheet is still there when the page is back
        await page.locator("#pending").filter(has_text="All sheets received").wait_for(timeout=15000)
        await page.wait_for_timeout(2500)  # a further round of retries must not store it again
        await context.close()
    assert sheets(server) == [("W", "B", 1)]


async def test_a_judge_places_a_final_and_corrects_one_place_without_undoing_the_rest(server, browser):
    async with httpx.AsyncClient(base_url=server.base, timeout=10) as http:
        desk = await _desk(server, http)
        context, page = await _judge_page(browser, desk, "C")
        assert (await desk.post("/api/floors/2/start")).status_code == 200  # Adult Latin's 1st round ...
        await page.locator("#title").filter(has_text="Adult Latin Open").wait_for()
        for _ in range(200):  # ... then the floor runs on to the Senior Latin final: the tablet follows it
            status = (await desk.get("/api/floors/2/status")).json()
            if status["now"]["event"] == "Senior Latin":
                break
            assert (await desk.post("/api/floors/2/next")).status_code == 200
        await page.locator("#title").filter(has_text="Senior Latin").wait_for()
        assert "· Cha Cha ·" in await page.locator("#title").inner_text()  # the dance's name, not "C"
        buttons = page.locator(".couples button")
        bibs = [int(b) for b in await buttons.all_inner_texts()]
        assert len(bibs) == 6

        async def tap(bib: int) -> None:
            await page.locator(f'.couples button[data-bib="{bib}"]').click()

        async def shown() -> dict[int, str]:
            badges = {b: page.locator(f'.couples button[data-bib="{b}"] .place') for b in bibs}
            return {b: await badge.inner_text() for b, badge in badges.items() if await badge.count()}

        for bib in bibs:
            await tap(bib)
        assert await shown() == dict(zip(bibs, ORDINALS, strict=True))
        await tap(bibs[1])  # a wrong tap: that couple is out, every other place stays
        assert await shown() == dict(zip([bibs[0], *bibs[2:]], ["1st", "3rd", "4th", "5th", "6th"], strict=True))
        assert await page.locator("#send").is_disabled()
        await tap(bibs[1])  # back into the free place
        assert (await shown())[bibs[1]] == "2nd"
        await tap(bibs[4])  # a couple, then its place: out, in again, then to 1st (the 1st couple takes its 5th)
        await tap(bibs[4])
        await page.locator('#places button[data-place="1"]').click()
        expected = {bibs[4]: 1, bibs[1]: 2, bibs[2]: 3, bibs[3]: 4, bibs[0]: 5, bibs[5]: 6}
        assert await shown() == {b: ORDINALS[p - 1] for b, p in expected.items()}
        await page.screenshot(path=shot("judge-final.png"))
        await page.locator("#send").click()
        assert "Cha Cha" in await page.locator("#confirm-text").inner_text()
        await page.locator("#sure").click()
        await page.locator("#receipt").filter(has_text="Checksum").wait_for()
        await context.close()
    assert sheets(server) == [("C", "C", 1)]
    assert marks(server, "C", "C") == {str(b): p for b, p in expected.items()}
