"""Found by probing the desk and the pages as a German scrutineer would (brief H8), in real Chromium (de-DE):

- the desk said the box's English round names and states ("1st round", "Final", "drawn") and a raw ISO time for a
  device's "last seen" on German pages (Devices, Floors, Results): now "1. Runde", "Endrunde", "ausgelost" and a time;
- the Setup tab's events table, with its longer German headings, made the whole page scroll sideways at 1280 px:
  now the page fits and the table scrolls in its own region;
- a refusal naming two fields ("ends_on is before starts_on") showed the second by its key: now by its label;
- the registration page said a refused field by its key ("leader darf ..."): now by its label;
- a page whose German catalog cannot be fetched showed English under `<html lang="de">` and kept telling the box
  "German" (so its refusals came in German beside English words): now the page is English through and through.

One small box (tests/two_events.py: a 6-couple final and a 10-couple event whose 1st round is drawn) and one
browser for the module."""

from __future__ import annotations

import re

import httpx
import pytest
import pytest_asyncio

from appliance.trust.client import SignedClient
from tests.browser.conftest import box_of
from tests.browser.shared import shared_browser
from tests.conftest import Api
from tests.server import Server
from tests.two_events import two_events

pytestmark = pytest.mark.asyncio(loop_scope="module")
DESK = {"width": 1280, "height": 800}
# The box's English words for rounds and their states, as the desk used to show them on a German page
# ("Final" not followed by " Only": the event "Final Only" is a name people gave).
ENGLISH = re.compile(r"\b(1st round|Final(?! Only)|drawn|running|computed|planned)\b")


async def _set_up(server: Server) -> dict:
    async with httpx.AsyncClient(base_url=server.base, timeout=30) as http:
        api = await Api.of_owner(http, server)
        owner = api.device
        made = await two_events(api)
        open_cup = await api.competition(name="Herbstball", floors=["Saal"])
        await api.event(open_cup["id"], name="Adult Latin", style="latin", dances=["C", "R", "J"])
        link = await api.link(open_cup["id"])
    return {"owner": (owner.device_id, owner.key), "competition": made["competition"]["id"], "link": link["url"]}


box = box_of(_set_up)
browser = shared_browser  # one Chromium for the module's tests


@pytest_asyncio.fixture(loop_scope="module")
async def desk(box, browser):
    """A German scrutineer's desk (enrolled by the owner's QR link), at 1280 px."""
    server, facts = box
    async with httpx.AsyncClient(base_url=server.base, timeout=30) as http:
        owner = SignedClient(http, *facts["owner"], role="scrutineer")
        made = await owner.post("/api/enrolments", {"role": "scrutineer", "competition_id": facts["competition"]})
        assert made.status_code == 201, made.text
    context = await browser.new_context(viewport=DESK, locale="de-DE")
    page = await context.new_page()
    url = made.json()["url"]
    await page.goto(server.base + url[url.index("/join") :])
    await page.wait_for_url("**/desk/")
    yield page
    await context.close()


async def _tab(page, name: str, shown: str) -> str:
    """The tab's text, once it shows `shown` (a word only that tab has)."""
    await page.locator("#tabs button", has_text=name).click()
    await page.locator("main").get_by_text(shown, exact=True).first.wait_for()
    return await page.locator("main").inner_text()


async def test_the_desk_says_rounds_states_and_times_in_german(desk):
    devices = await _tab(desk, "Geräte & Stand", "Wer was gesendet hat")
    assert not ENGLISH.findall(devices), ENGLISH.findall(devices)
    assert "1. Runde" in devices and "ausgelost" in devices, devices
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:", devices), devices  # "last seen" is a time, not ISO text
    floors = await _tab(desk, "Flächen", "Main floor (nicht begonnen)")
    assert not ENGLISH.findall(floors) and "1. Runde" in floors, floors
    results = await _tab(desk, "Ergebnisse", "Drucken")
    assert not ENGLISH.findall(results), ENGLISH.findall(results)
    assert "1. Runde: ausgelost" in results and "Endrunde: " in results, results


async def test_the_setup_tab_fits_1280_px_in_german(desk):
    await _tab(desk, "Einrichtung", "Turniere")
    await desk.locator("#events").wait_for()
    wide = await desk.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert wide[0] <= wide[1], f"the page scrolls sideways: {wide}"
    region = desk.locator("[role=region]", has=desk.locator("#events"))
    assert await region.get_attribute("aria-label") == "Turniere"  # the table scrolls in its own, named region


async def test_a_refusal_names_the_form_s_fields_by_their_german_labels(desk):
    await _tab(desk, "Einrichtung", "Turniere")
    edit = desk.locator("#edit-competition")
    await edit.locator("input[type=date]").nth(1).fill("2026-11-01")  # Bis before Von (5 December)
    await edit.locator("button[type=submit]").click()
    note = edit.locator(".field-error")
    await note.wait_for()
    assert await note.inner_text() == "die Turnierveranstaltung würde enden, bevor sie beginnt (Bis liegt vor Von)"


async def test_the_registration_page_names_the_refused_field_by_its_german_label(box, browser):
    server, facts = box
    context = await browser.new_context(locale="de-DE", viewport={"width": 360, "height": 740})
    page = await context.new_page()
    await page.goto(server.base + facts["link"][facts["link"].index("/register") :])
    await page.get_by_label("Adult Latin (Cha-Cha-Cha, Rumba, Jive)").check()  # the dances by name, in German
    await page.locator("#leader").fill("Anna \u0007Berg")
    await page.locator("#follower").fill("Carl Dahl")
    await page.get_by_role("button", name="Anmelden", exact=True).click()
    status = page.locator("#status.bad")
    await status.wait_for()
    assert (await status.inner_text()).startswith("Name des Herrn darf keine Steuerzeichen"), await status.inner_text()
    await context.close()


async def test_a_page_without_its_catalog_is_english_through_and_through(box, browser):
    server, _ = box
    context = await browser.new_context(locale="de-DE")
    await context.route("**/lib/locale/de.json", lambda route: route.abort())
    page = await context.new_page()
    await page.goto(server.base + "/register/")
    await page.wait_for_selector(".language-switch")
    assert await page.evaluate("document.documentElement.lang") == "en"
    assert "floorcraft.lang=en" in await page.evaluate("document.cookie")
    refused = await page.evaluate("fetch('/api/register/bogus').then((r) => r.json())")
    assert refused["error"]["message"] == "token must have at least 8 characters", refused
    await context.unroute("**/lib/locale/de.json")
    await page.reload()  # the catalog is back: German again, the choice was kept
    await page.wait_for_selector(".language-switch")
    assert await page.evaluate("document.documentElement.lang") == "de"
    assert "floorcraft.lang=de" in await page.evaluate("document.cookie")
    await context.close()
