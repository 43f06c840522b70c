"""Issue #12 point 3 (and #10 points 3-4 on the public screens) in real Chromium: the hall display shows the
couples' names and clubs beside their numbers and the dances by name, stays legible at 720p and 1080p, and
shows a "connection lost" sign while the box is stopped; the phones' results page (360 px wide) has a card per
couple, search, a link per event and the marks a tap away; a withdrawn and a disqualified couple are labelled so
in plain words on both. One box and one browser for the module: the demo, its Adult Standard 1st round keyed in
(tests/browser/test_standings_pages.py), and its Senior Latin final (6 couples, 3 dances, 7 judges) with one
couple withdrawn before it is danced and one disqualified by the chair after it is computed."""

from __future__ import annotations

import re
import sqlite3

import httpx
import pytest
import pytest_asyncio

from appliance.services.public import NAMES, PUBLISHED, published
from appliance.trust.client import SignedClient
from tests.browser.shots import shot
from tests.browser.test_legibility import SMALLEST_TEXT
from tests.browser.test_standings_pages import _judge_first_round
from tests.server import Server

pytestmark = pytest.mark.asyncio(loop_scope="module")
HD = {"width": 1280, "height": 720}
FULL_HD = {"width": 1920, "height": 1080}
PHONE = {"width": 360, "height": 740}
SENIOR_LATIN = 4


class Box:
    """The module's box: its server, the couples by event and bib, and who was withdrawn and disqualified."""

    def __init__(self, server: Server, entries: list[dict], withdrawn: int, dq: int, marks: dict):
        self.server, self.withdrawn, self.dq = server, withdrawn, dq
        self.marks = marks  # the final's marks as the desk gives them after the disqualification
        self.couples = {(e["event_id"], e["couple"]["bib"]): e["couple"] for e in entries}

    def names(self, event_id: int, bib: int) -> str:
        couple = self.couples[(event_id, bib)]
        return f"{couple['leader']} & {couple['follower']}"


async def _senior_latin_final(desk: SignedClient, chair: SignedClient, entries: list[dict]) -> tuple[int, int, dict]:
    """The 6th couple (by bib) withdraws before the final ("injury"); the judges place the other five in bib
    order (the box places the withdrawn couple 6th); then the chair disqualifies the 1st couple ("conduct")."""
    final = (await desk.get(f"/api/events/{SENIOR_LATIN}/plan")).json()["rounds"][0]
    mine = {e["couple"]["bib"]: e for e in entries if e["event_id"] == SENIOR_LATIN}
    bibs = sorted(mine)
    withdrawn, dq = bibs[5], bibs[0]
    answer = await desk.post(f"/api/entries/{mine[withdrawn]['id']}/withdraw", {"reason": "injury"})
    assert answer.status_code == 200, answer.text
    for dance in ("C", "R", "J"):
        for letter in "ABCDEFG":
            places = {str(b): i + 1 for i, b in enumerate(bibs[:5])}
            path = f"/api/rounds/{final['id']}/sheets/{dance}/judges/{letter}"
            answer = await desk.post(path, {"places": places})
            assert answer.status_code == 200, answer.text
    answer = await chair.post(f"/api/entries/{mine[dq]['id']}/disqualify", {"reason": "conduct"})
    assert answer.status_code == 200, answer.text
    return withdrawn, dq, (await desk.get(f"/api/rounds/{final['id']}/marks")).json()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def box(tmp_path_factory):
    server = Server(tmp_path_factory.mktemp("box")).start()
    try:
        async with httpx.AsyncClient(base_url=server.base, timeout=30) as http:
            desk = await SignedClient.enrol(http, server.first_enrolment_url())
            made = (await desk.post("/api/enrolments", {"role": "chair", "competition_id": 1})).json()
            chair = await SignedClient.enrol(http, made["url"])
            entries = (await desk.get("/api/competitions/1/entries")).json()
            await _judge_first_round(desk)
            withdrawn, dq, marks = await _senior_latin_final(desk, chair, entries)
            assert (await desk.post("/api/floors/2/start")).status_code == 200
        yield Box(server, entries, withdrawn, dq, marks)
    finally:
        server.kill()


@pytest.fixture(scope="module")
def browser(module_browser):
    return module_browser  # one Chromium for the module (tests/browser/conftest.py)


async def test_the_live_state_labels_the_withdrawn_and_disqualified_couples_and_names_every_couple(box: Box):
    async with httpx.AsyncClient(base_url=box.server.base, timeout=10) as http:
        state = (await http.get("/api/live/state")).json()
        public = (await http.get("/api/public/results")).json()
    places = next(s for s in state["standings"] if s["event_id"] == SENIOR_LATIN)["places"]
    published = next(e for e in public["events"] if e["event_id"] == SENIOR_LATIN)["standings"]
    for shown in (places, published):
        by_bib = {p["bib"]: p for p in shown}
        assert (by_bib[box.withdrawn]["label"], by_bib[box.withdrawn]["status"]) == ("withdrawn", "withdrawn")
        assert by_bib[box.withdrawn]["why"] == "withdrawn in the Final: injury"
        dq = by_bib[box.dq]
        assert (dq["label"], dq["status"], dq["place"]) == ("DQ", "disqualified", None)
        assert dq["why"] == "disqualified in the Final: conduct"
        assert shown[-1]["bib"] == box.dq  # below every placed couple
        assert sorted(p["label"] for p in shown if not p["status"]) == ["1.", "2.", "3.", "4."]
        for p in shown:
            assert f"{p['leader']} & {p['follower']}" == box.names(SENIOR_LATIN, p["bib"])
    couples = state["couples"][str(SENIOR_LATIN)]
    assert {int(b) for b in couples} == {bib for (event, bib) in box.couples if event == SENIOR_LATIN}


async def test_the_published_results_label_them_from_the_log_alone_and_name_couples_when_given_names(box: Box):
    """What the cloud builds from a box's log (services/public.published): without the couples' rows it shows
    numbers only, still with the labels; the final placed again without the disqualified couple has the marks
    the desk shows (each judge's places re-ranked)."""
    conn = sqlite3.connect(box.server.data_dir / "floorcraft.sqlite3")
    try:
        rows = conn.execute("SELECT seq, kind, entity, payload FROM change_log ORDER BY seq").fetchall()
    finally:
        conn.close()
    for kinds, named in ((PUBLISHED, False), (PUBLISHED + NAMES, True)):
        event = next(
            e for e in published([r for r in rows if r[1] in kinds])["events"] if e["event_id"] == SENIOR_LATIN
        )
        labels = {p["bib"]: (p["label"], p["leader"]) for p in event["standings"]}
        assert labels[box.withdrawn][0] == "withdrawn" and labels[box.dq][0] == "DQ"
        assert all(bool(leader) is named for _, leader in labels.values())
        assert event["rounds"][-1]["marks"] == box.marks
        assert str(box.dq) not in event["rounds"][-1]["places"]


async def test_the_display_shows_names_clubs_and_dance_names(box: Box, browser):
    context = await browser.new_context(viewport=FULL_HD)
    page = await context.new_page()
    await page.clock.install()  # the final's placings are revealed on the page's clock, fast-forwarded below
    await page.goto(f"{box.server.base}/display/?floor=2")
    await page.locator("#now-event").filter(has_text="Adult Latin Open").wait_for(timeout=10000)
    await page.clock.run_for(7000)
    detail = await page.locator("#now-detail").inner_text()
    assert detail.startswith("1st round · Cha Cha · heat 1 of 2"), detail
    items = page.locator("#now-bibs li")
    assert await items.count() == 9
    for i in range(9):
        bib = int(await items.nth(i).locator(".bib").inner_text())
        couple = box.couples[(2, bib)]
        assert await items.nth(i).locator(".names").inner_text() == box.names(2, bib)
        assert await items.nth(i).locator(".club").inner_text() == couple["club"]
    chips = await page.locator("#progress span").all_inner_texts()
    assert chips == [f"{d} 0/7" for d in ("Cha Cha", "Samba", "Rumba", "Paso Doble", "Jive")]
    assert "Next: Adult Latin Open · 1st round · Cha Cha" in await page.locator("#next").inner_text()
    placings = {}
    for li in await page.locator("#result li").all():
        place, bib = await li.locator(".place").inner_text(), await li.locator(".bib").inner_text()
        placings[int(bib.removeprefix("No. "))] = (place, await li.locator(".names").inner_text())
    assert len(placings) == 5 and box.dq not in placings  # the disqualified couple left the final
    assert sorted(p for p, _ in placings.values()) == ["1st", "2nd", "3rd", "4th", "5th"]
    assert placings[box.withdrawn] == ("5th", f"{box.names(SENIOR_LATIN, box.withdrawn)} · withdrawn")
    assert f"DQ No. {box.dq}" in await page.locator("#result .out-places").inner_text()  # "DQ 5": a place?
    await page.screenshot(path=shot("display-names.png"))
    await context.close()


FITS = """() => ["#now", "#side", "#result", "#now-bibs"].map((s) => document.querySelector(s))
  .filter((n) => n.scrollHeight > n.clientHeight + 1 || n.scrollWidth > n.clientWidth + 1).map((n) => n.id)"""
SMALLEST_BIB = """() => Math.min(...[...document.querySelectorAll("#now-bibs .bib")]
  .map((n) => parseFloat(getComputedStyle(n).fontSize)))"""


@pytest.mark.parametrize("screen", [HD, FULL_HD], ids=["720p", "1080p"])
async def test_the_display_is_legible_from_ten_metres(box: Box, browser, screen):
    """On a 65-inch screen (81 cm tall) 2.8% of the height is a 2.3 cm letter (a capital of about 1.6 cm:
    5.5 minutes of arc at 10 m, above the 5 of a 20/20 eye); the numbers are 6% and more (3.5 cm). Nothing is
    cut off: no box of the board overflows, the page does not scroll, and the heat's 9 couples are all shown."""
    context = await browser.new_context(viewport=screen)
    page = await context.new_page()
    await page.clock.install()
    await page.goto(f"{box.server.base}/display/?floor=2")
    await page.locator("#now-bibs li").first.wait_for(timeout=10000)
    await page.clock.run_for(7000)
    assert await page.locator("#result li").count() == 5
    assert await page.evaluate(SMALLEST_TEXT) >= 0.028 * screen["height"]
    assert await page.evaluate(SMALLEST_BIB) >= 0.06 * screen["height"]
    assert await page.evaluate(FITS) == []
    size = await page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    assert size == [screen["width"], screen["height"]]
    assert await page.locator("#now-bibs li:visible").count() == 9
    await context.close()


# Every row's cells in one snapshot (never a row a redraw has just replaced): place, number, names, the row.
ROWS = """() => [...document.querySelectorAll("#result li")].map((li) => [...li.children].map((n) => ({
  text: n.innerText, className: n.className, left: n.getBoundingClientRect().left,
  right: n.getBoundingClientRect().right, size: parseFloat(getComputedStyle(n).fontSize),
  color: getComputedStyle(n).color })).concat([{ text: li.innerText }]))"""
ORDINAL = {"en": r"\d+(st|nd|rd|th)", "de": r"\d+\."}
NUMBER = {"en": "No. ", "de": "Nr. "}


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("screen", [HD, FULL_HD], ids=["720p", "1080p"])
async def test_the_results_board_keeps_place_number_and_names_apart(box: Box, browser, screen, language):
    """S13 point 3: a row of the final's placings is not "6. 30 Greta Novak": the place ("5th", German "5."), the
    couple's number ("No. 30", "Nr. 30", smaller and in another colour) and the names are cells of their own, side
    by side with room between them, in English and in German, at 720p and 1080p; nothing overflows."""
    context = await browser.new_context(viewport=screen)
    page = await context.new_page()
    await page.clock.install()  # the placings are revealed on the page's clock
    await page.goto(f"{box.server.base}/display/?floor=2&lang={language}")
    await page.locator("#now-bibs li").first.wait_for(timeout=10000)
    await page.clock.run_for(7000)
    await page.locator("html[data-live=stream]").wait_for()  # the stream's first state drawn: no redraw pending
    rows = await page.evaluate(ROWS)
    assert len(rows) == 5
    for place, number, names, row in rows:
        assert (place["className"], number["className"], names["className"]) == ("place", "bib", "names")
        assert re.fullmatch(ORDINAL[language], place["text"]), place["text"]
        assert number["text"].startswith(NUMBER[language]), number["text"]
        bib = int(number["text"].removeprefix(NUMBER[language]))
        assert names["text"].startswith(box.names(SENIOR_LATIN, bib))
        gap = 0.5 * screen["width"] / 100  # at least half a vw between the cells
        assert place["right"] + gap <= number["left"] and number["right"] + gap <= names["left"]
        assert number["size"] < place["size"] and number["color"] != place["color"]  # a distinct, smaller style
        assert not re.match(r"\d+\.?\s+\d+\s", row["text"]), row["text"]  # never "6. 30 Greta Novak"
    assert f"{NUMBER[language]}{box.dq}" in await page.locator("#result .out-places").inner_text()  # "DQ No. 5"
    assert await page.evaluate(FITS) == []
    await context.close()


async def _cards(page) -> dict[int, str]:
    """Each visible card's place (or "Withdrawn", "Disqualified"), by bib."""
    found = {}
    for card in await page.locator(".card:visible").all():
        found[int(await card.get_attribute("data-bib"))] = await card.locator(".place").inner_text()
    return found


async def test_the_phone_results_have_a_card_per_couple_search_and_a_link_per_event(box: Box, browser):
    context = await browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = await context.new_page()
    await page.goto(f"{box.server.base}/results/?event={SENIOR_LATIN}")
    event = page.locator(f"#event-{SENIOR_LATIN}")
    await event.locator(".card").first.wait_for(timeout=10000)
    assert await page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert await page.locator("#event-1 details").first.evaluate("d => d.open") is False  # the link opens one event
    cards = await _cards(page)
    assert cards[box.withdrawn] == "Withdrawn" and cards[box.dq] == "Disqualified"
    assert sorted(v for b, v in cards.items() if b not in (box.withdrawn, box.dq)) == ["1.", "2.", "3.", "4."]
    dq_card = event.locator(f".card[data-bib='{box.dq}']")
    assert await dq_card.locator(".why").inner_text() == "disqualified in the Final: conduct"
    assert await dq_card.locator(".names").inner_text() == box.names(SENIOR_LATIN, box.dq)
    first = event.locator(".card").first
    await first.locator("summary").tap()  # the marks and the reason, a tap away
    marks = first.locator("details.marks table").first
    await marks.wait_for()
    assert "Cha Cha" in await marks.inner_text() and "ABCDEFG" in "".join(
        await marks.locator("thead th").all_inner_texts()
    )
    assert await page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    await page.screenshot(path=shot("results-phone.png"))

    await page.locator("#search").fill(str(box.withdrawn))
    assert list(await _cards(page)) == [box.withdrawn]
    leader = box.couples[(SENIOR_LATIN, box.withdrawn)]["leader"]
    await page.locator("#search").fill(leader.lower())
    shown = await _cards(page)
    assert box.withdrawn in shown
    for bib in shown:
        assert leader in await page.locator(f".card[data-bib='{bib}']:visible").first.inner_text()
    await page.locator("#search").fill("")

    await page.goto(f"{box.server.base}/results/#event-1")  # the other form of the link
    await page.locator("#event-1 .card").first.wait_for()
    assert await page.locator(f"#event-{SENIOR_LATIN} details").first.evaluate("d => d.open") is False
    out = await page.locator("#event-1 .card.placed .place").all_inner_texts()
    assert "14.-26." in out and await page.locator("#event-1 .card.recalled").count() == 12
    assert await page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    await context.close()


async def test_the_display_says_so_when_the_box_is_unreachable(box: Box, browser):
    """Stopped: the stream fails and so does polling; the sign shows. Started again: it goes away."""
    context = await browser.new_context(viewport=HD)
    page = await context.new_page()
    await page.goto(f"{box.server.base}/display/?floor=2")
    await page.locator("#now-bibs li").first.wait_for(timeout=10000)
    assert await page.locator("#lost").is_hidden()
    box.server.terminate()
    sign = page.locator("#lost")
    await sign.wait_for(state="visible", timeout=15000)
    assert "Connection to the box lost" in await sign.inner_text()
    await page.screenshot(path=shot("display-connection-lost.png"))
    box.server.start()
    await sign.wait_for(state="hidden", timeout=20000)
    assert await page.locator("#now-bibs li").count() == 9
    await context.close()
