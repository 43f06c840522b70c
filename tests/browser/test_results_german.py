"""Issue #12 points 5 and 7 in real Chromium: the phone's results, the day's schedule, the cloud's pages and the
desk's progress, couple outcomes and star couples speak German to a German browser (de-DE) and English to an
English one; the page's switch (Deutsch | English) changes the language and the choice survives a reload; a shared
results link with ?lang=en opens in English whatever the browser's language. Screenshots in both languages.

One small box (tests/two_events.py: a 6-couple final keyed in and computed, a 10-couple event whose 1st round is on
the floor with nothing sent, panel A-C) and one Chromium for the module."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.async_api import expect

from appliance.trust.client import SignedClient
from tests.browser.conftest import box_of
from tests.browser.shared import shared_browser
from tests.browser.shots import shot
from tests.browser.test_accessibility import audit
from tests.cloud.boxes import CloudProcess
from tests.conftest import Api
from tests.server import Server
from tests.two_events import key_in_final, two_events

pytestmark = pytest.mark.asyncio(loop_scope="module")
PHONE = {"width": 360, "height": 740}
DESK = {"width": 1280, "height": 900}
NO_SIDEWAYS = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


async def _set_up(server: Server) -> dict:
    async with httpx.AsyncClient(base_url=server.base, timeout=30) as http:
        api = await Api.of_owner(http, server)
        owner = api.device
        box = await two_events(api)
        await key_in_final(api, box["plans"][box["final"]]["rounds"][0])
        floor = box["competition"]["floors"][0]["id"]
        now = (await api.ok("POST", f"/api/floors/{floor}/start"))["now"]
        for _ in range(20):  # past the final (computed already) to the 1st round of Two Rounds
            if now["event"] == "Two Rounds":
                break
            now = (await api.ok("POST", f"/api/floors/{floor}/next"))["now"]
        assert now["event"] == "Two Rounds", now
    return {"owner": (owner.device_id, owner.key), "final": box["final"]}


box = box_of(_set_up)
browser = shared_browser  # one Chromium for the module's tests


async def _page(browser, locale: str, viewport: dict):
    """A page in a browser whose language is `locale` (the CSP bypassed so that axe can be injected)."""
    context = await browser.new_context(locale=locale, viewport=viewport, bypass_csp=True)
    return context, await context.new_page()


async def _absent(page, words: list[str], where: str = "body") -> None:
    text = await page.locator(where).inner_text()
    assert [w for w in words if w in text] == [], text


async def test_the_phone_results_and_the_schedule_in_german(box, browser):
    server, facts = box
    context, page = await _page(browser, "de-DE", PHONE)
    await page.goto(f"{server.base}/results/?event={facts['final']}")
    card = page.locator(f"#event-{facts['final']} .card").first
    await card.wait_for(timeout=10000)
    await expect(page.locator("#schedule tbody tr").first).to_be_visible(timeout=10000)
    assert await page.evaluate("document.documentElement.lang") == "de"
    assert await page.title() == "Ergebnisse · Floorcraft"
    await expect(page.locator("h1")).to_have_text("Ergebnisse")
    await expect(page.locator("label[for=search]")).to_have_text("Paar suchen: Name, Verein oder Startnummer")
    await expect(page.locator("#status")).to_contain_text("Aktualisiert")
    await expect(page.locator(".badge").first).to_have_text("vorläufig")
    await expect(page.locator("a.share").first).to_have_text("Link zu diesem Turnier")
    await card.locator("summary").click()
    heads = await card.locator("details.marks thead th").all_inner_texts()
    assert heads[0] == "Tanz" and heads[-1] == "Platz", heads
    await expect(page.locator("#schedule h2")).to_have_text("Zeitplan")
    schedule_heads = await page.locator("#schedule thead th").all_inner_texts()
    assert schedule_heads[:4] == ["Zeit", "Turnier", "Runde", "Gruppen"], schedule_heads
    await expect(page.locator("#schedule tbody")).to_contain_text("auf der Fläche")
    assert re.search(r"\d\d:\d\d\u2013\d\d:\d\d", await page.locator("#schedule tbody").inner_text())
    await page.locator("#search").fill("F0 Lead")
    await expect(page.locator("#found")).to_have_text("1 Paar passt zu „f0 lead“")
    await page.locator("#search").fill("")
    english = [
        "Marks and reasons",
        "Link to this event",
        "provisional",
        "Updated",
        "Find a couple",
        "Schedule",
        "on the floor",
        "to come",
        "Heats",
        "Dance",
        "Place",
        "Loading",
    ]
    await _absent(page, english)
    assert await page.evaluate(NO_SIDEWAYS)  # the longer German words still fit 360 px
    await page.screenshot(path=shot("results-phone-de.png"))
    assert await audit(page, "results (phone, German, a card's marks opened)") == []
    await context.close()


async def test_the_switch_changes_the_language_and_it_survives_a_reload(box, browser):
    server, facts = box
    context, page = await _page(browser, "de-DE", PHONE)
    await page.goto(f"{server.base}/results/")
    await page.locator(".card").first.wait_for(timeout=10000)
    await expect(page.get_by_role("button", name="Deutsch")).to_have_attribute("aria-pressed", "true")
    await page.get_by_role("button", name="English").click()
    await expect(page.locator("h1")).to_have_text("Results")
    summary = page.locator(f"#event-{facts['final']} details.marks summary").first
    await expect(summary).to_have_text("Marks and reasons")
    await page.reload()
    await expect(summary).to_have_text("Marks and reasons")
    assert await page.evaluate("document.documentElement.lang") == "en"
    await expect(page.get_by_role("button", name="English")).to_have_attribute("aria-pressed", "true")
    await expect(page.locator("#schedule h2")).to_have_text("Schedule")
    await expect(page.locator(".badge").first).to_have_text("provisional")
    await _absent(page, ["Wertungen und Begründungen", "Zeitplan", "vorläufig", "Ergebnisse"])
    await summary.click()
    assert await page.evaluate(NO_SIDEWAYS)
    await page.screenshot(path=shot("results-phone-en.png"))
    await context.close()


async def test_a_shared_link_with_lang_en_opens_in_english(box, browser):
    server, facts = box
    context, page = await _page(browser, "de-DE", PHONE)
    await page.goto(f"{server.base}/results/?event={facts['final']}&lang=en")
    await expect(page.locator(f"#event-{facts['final']} details.marks summary").first).to_have_text(
        "Marks and reasons", timeout=10000
    )
    await expect(page.locator("label[for=search]")).to_have_text("Find a couple: name, club or number")
    await _absent(page, ["Wertungen", "Paar suchen", "Link zu diesem Turnier"])
    await context.close()


async def _desk(server: Server, facts: dict, browser, locale: str):
    """A desk page in `locale`, enrolled as a scrutineer by a QR the box's owner made; its Floors tab drawn."""
    async with httpx.AsyncClient(base_url=server.base, timeout=30) as http:
        owner = SignedClient(http, *facts["owner"], role="scrutineer")
        made = await owner.post("/api/enrolments", {"role": "scrutineer"})
        assert made.status_code == 201, made.text
    context, page = await _page(browser, locale, DESK)
    url = made.json()["url"]
    await page.goto(server.base + url[url.index("/join") :])
    await page.wait_for_url("**/desk/")
    await page.locator("#progress td.late").first.wait_for(timeout=10000)
    return context, page


async def test_the_desk_progress_outcomes_and_star_couples_in_german(box, browser):
    server, facts = box
    context, page = await _desk(server, facts, browser, "de-DE")
    progress = page.locator("#progress")
    await expect(page.locator("#progress-title")).to_have_text("Wertungsbögen")
    await expect(page.locator("#progress-summary")).to_have_text("1 Tanz wartet auf verspätete Bögen")
    heads = await progress.locator("thead th").all_inner_texts()
    assert heads == ["Turnier", "Runde", "Status", "Tanz 1", "Tanz 2"], heads
    late = progress.locator("td.late").first
    await expect(late).to_contain_text("Verspätet: A (Ann Archer), B (Bob Baker), C (Cid Cooper)")
    since = r", seit (\d+ s|\d+ min \d\d s), gezählt ab dem Beginn des Tanzes um \d\d:\d\d:\d\d\.$"
    await expect(late).to_have_text(re.compile(since))
    await expect(progress).to_contain_text("läuft")
    english = ["Sheets", "Late:", "waiting for", "since the", "running", "nothing sent", "Dance 1"]
    await _absent(page, english, "#progress")
    await page.screenshot(path=shot("desk-live-progress-de.png"), full_page=True)
    assert await audit(page, "desk (German, late judges)") == []

    await page.locator("#tab-results").click()
    outcomes = page.locator(".outcomes").filter(has=page.locator("h3")).first
    await expect(outcomes.locator("h3")).to_have_text("Ein Paar zurückziehen")
    assert await outcomes.get_by_label("Aktion").locator("option").all_inner_texts() == ["Zurückziehen"]
    await outcomes.get_by_role("button", name="Prüfen…").click()  # no reason given: refused before anything is sent
    await expect(outcomes.locator(".outcome-answer")).to_have_text(
        "Geben Sie zuerst den Grund an: Die Box hält fest, warum."
    )
    await expect(outcomes.get_by_label("Grund (Pflichtfeld)")).to_be_focused()
    stars = page.locator(".stars").filter(has=page.locator("h3")).first
    await expect(stars.locator("h3")).to_have_text("Sternchenpaare und Hoffnungsrunde")
    now = "Keine Sternchenpaare. Keine Hoffnungsrunde nach der 1. Runde."
    await expect(stars.locator(".stars-now")).to_have_text(now)
    await expect(stars.get_by_role("button", name="Als Sternchenpaar setzen")).to_be_visible()
    said = await outcomes.inner_text() + await stars.inner_text()
    english = ["Withdraw", "Review", "Reason", "Give the reason", "Star couples", "redance", "Seed as", "deadline"]
    assert [w for w in english if w in said] == [], said
    assert await audit(page, "desk (German, results tab: outcomes and star couples)") == []
    await context.close()


async def test_the_desk_progress_in_english(box, browser):
    server, facts = box
    context, page = await _desk(server, facts, browser, "en-US")
    await expect(page.locator("#progress-title")).to_have_text("Sheets")
    await expect(page.locator("#progress td.late").first).to_contain_text("Late: A (Ann Archer)")
    await _absent(page, ["Wertungsbögen", "Verspätet", "gezählt", "läuft"], "#progress")
    await page.screenshot(path=shot("desk-live-progress-en.png"), full_page=True)
    await context.close()


async def test_the_cloud_pages_speak_german_with_the_switch(browser, tmp_path):
    """The cloud serves the same pages (web/ under /cloud/web): its front page and a box's results page."""
    cloud = CloudProcess({"FLOORCRAFT_DATA_DIR": str(tmp_path)}).start()
    try:
        context, page = await _page(browser, "de-DE", PHONE)
        await page.goto(f"{cloud.base}/cloud")
        await expect(page.locator("#status")).to_have_text("Noch keine Turnierveranstaltungen.", timeout=10000)
        await expect(page.locator("h1")).to_have_text("Turnierveranstaltungen")
        await expect(page.get_by_role("button", name="English")).to_be_visible()
        await page.goto(f"{cloud.base}/cloud/web/results/?box=unknown")
        await expect(page.locator("h1")).to_have_text("Ergebnisse")
        await expect(page.locator("#status")).to_contain_text("Ergebnisse nicht verfügbar", timeout=10000)
        await page.get_by_role("button", name="English").click()
        await expect(page.locator("#status")).to_contain_text("results unavailable", timeout=10000)
        await context.close()
    finally:
        cloud.stop()
