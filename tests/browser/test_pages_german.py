"""Issue #12 points 5 and 7 on the people's pages, in real Chromium: in a German browser (de-DE) the judge's
tablet, the registration and join pages and the hall display speak German (and none of the English they used to
show is left); the switch (Deutsch | English) changes the language, and the choice survives a reload; a sheet the
box refuses reaches the tablet with the box's reason in German (the cookie floorcraft.lang tells the box); the
display takes ?lang=en and its switch stays off the board. Screenshots of the tablet (queued and received) and of
the display with names, in German and in English.

One small box for the module (tests/two_events.py: a 6-couple final, Cha Cha and Rumba, panel A-C, on the floor
first; and an open competition for the registration page) and one browser (tests/browser/conftest.py)."""

from __future__ import annotations

import re

import httpx
import pytest
import pytest_asyncio

from appliance.trust.client import SignedClient
from tests.browser.conftest import box_of
from tests.browser.shared import shared_browser
from tests.browser.shots import shot
from tests.browser.test_accessibility import audit
from tests.browser.test_judge import TABLET
from tests.browser.test_names_on_screens import FITS, HD
from tests.conftest import Api
from tests.server import Server
from tests.two_events import two_events

pytestmark = pytest.mark.asyncio(loop_scope="module")
PHONE = {"width": 375, "height": 740}
API = "**/api/**"
# What the pages said in English before they spoke German: none of it may be left in a German page.
JUDGE_ENGLISH = (
    "Waiting for the floor",
    "All sheets received",
    "Connecting",
    "Online",
    "Judge",
    "Send",
    "Clear",
    "Confirm",
    "queued",
    "not yet received",
    "received",
    "checksum",
    "placed",
    "Places in the",
    "Cha Cha",
    "Final ·",
    "Dances to mark",
)
DISPLAY_ENGLISH = (
    "On the floor",
    "Waiting",
    "heat",
    "Next:",
    "Judges",
    "Results on your phone",
    "Cha Cha",
    "provisional",
    "official",
    "Final ·",
)
REGISTER_ENGLISH = (
    "Registration",
    "couple registration",
    "Leader's name",
    "Follower's name",
    "Club or studio",
    "Country code",
    "Events",
    "Register",
    "from",
)


async def _set_up(server: Server) -> dict:
    async with httpx.AsyncClient(base_url=server.base, timeout=30) as http:
        api = await Api.of_owner(http, server)
        owner = api.device
        made = await two_events(api)
        floor = made["competition"]["floors"][0]["id"]
        final = made["plans"][made["final"]]["rounds"][0]
        assert (await owner.post(f"/api/floors/{floor}/start")).status_code == 200  # the final is on the floor
        open_cup = await api.competition(name="Herbstball", floors=["Saal"])
        await api.event(open_cup["id"], name="Adult Latin", style="latin", dances=["C", "R", "J"])
        link = await api.link(open_cup["id"])
    return {
        "owner": (owner.device_id, owner.key),
        "competition": made["competition"]["id"],
        "floor": floor,
        "final": final,
        "link": link["url"],
    }


box = box_of(_set_up)
browser = shared_browser  # one Chromium for the module's tests


@pytest_asyncio.fixture(loop_scope="module")
async def owner(box):
    """The box owner's device over a fresh connection (its counter starts now: later than any used before)."""
    server, facts = box
    async with httpx.AsyncClient(base_url=server.base, timeout=30) as http:
        yield SignedClient(http, *facts["owner"], role="scrutineer")


def _without(text: str, english: tuple[str, ...]) -> list[str]:
    """The English words (whole words) still in `text`."""
    return [word for word in english if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)]


async def _german(browser, viewport: dict):
    context = await browser.new_context(viewport=viewport, locale="de-DE", bypass_csp=True)  # axe is injected
    return context, await context.new_page()


async def _tablet(browser, owner: SignedClient, box, judge: str):
    server, facts = box
    made = await owner.post(
        "/api/enrolments", {"role": "adjudicator", "competition_id": facts["competition"], "judge": judge}
    )
    assert made.status_code == 201, made.text
    context, page = await _german(browser, TABLET)
    await page.goto(server.base + made.json()["url"][made.json()["url"].index("/join") :])
    await page.wait_for_url("**/judge/")
    return context, page


async def _place_all(page) -> None:
    """Places every couple of the final, in the order shown (1st, 2nd, ...)."""
    buttons = page.locator(".couples button")
    await buttons.first.wait_for()
    for bib in await buttons.all_inner_texts():
        await page.locator(f'.couples button[data-bib="{bib.split()[0]}"]').click()
    assert await page.locator("#send").is_enabled()


async def _queue(page, box_unreachable) -> None:
    """The box stops answering; the judge places the couples and sends: the sheet is queued."""
    await page.route(API, box_unreachable)
    await _place_all(page)
    await page.locator("#send").click()
    await page.locator("#sure").click()


def _refuse(route):
    return route.abort("connectionrefused")


async def _switch(page, language: str) -> None:
    """The switch's button: the page comes back in that language."""
    async with page.expect_navigation():
        await page.locator(".language-switch button", has_text=language).click()
    assert await page.evaluate("document.documentElement.lang") == language[:2].lower()


async def test_the_judge_tablet_in_german_queued_and_received_then_in_english(box, browser, owner):
    context, page = await _tablet(browser, owner, box, "A")
    assert await page.evaluate("document.documentElement.lang") == "de"
    await page.locator("#title").filter(has_text="Final Only · Endrunde · Cha-Cha-Cha").wait_for()
    await page.locator("#link").filter(has_text="Verbunden").wait_for()
    assert await page.locator(".language-switch button[aria-pressed='true']").inner_text() == "Deutsch"
    await _queue(page, _refuse)
    assert "Platzierungen" in await page.locator("#confirm-text").inner_text()
    await page.locator("#pending").filter(has_text="Wartet auf Versand: 1, noch nicht angekommen").wait_for()
    await page.locator("#link").filter(has_text="Box nicht erreichbar").wait_for(timeout=15000)
    assert "noch nicht bei der Box angekommen" in await page.locator("#hint").inner_text()
    assert "1." in await page.locator(".couples .place").first.inner_text()  # German ordinals: "1.", not "1st"
    assert _without(await page.inner_text("body"), JUDGE_ENGLISH) == []
    await page.screenshot(path=shot("judge-queued-de.png"))
    assert await audit(page, "judge, German (a sheet queued)", disabled=True) == []
    await page.unroute(API)
    await page.locator("#pending").filter(has_text="Alle Bögen angekommen").wait_for(timeout=15000)
    await page.locator("#hint").filter(has_text="Bei der Box angekommen · Prüfsumme").wait_for()
    assert "Prüfsumme" in await page.locator("#receipt").inner_text()
    assert _without(await page.inner_text("body"), JUDGE_ENGLISH) == []
    await page.screenshot(path=shot("judge-received-de.png"))

    await _switch(page, "English")  # the page comes back in English, the received sheet a tap away
    await page.locator("#tasks button", has_text="Cha Cha ✓").click()
    await page.locator("#hint").filter(has_text="Received by the box · checksum").wait_for()
    assert "Final Only · Final · Cha Cha" in await page.locator("#title").inner_text()
    assert _without(await page.inner_text("body"), ("Wertungsrichter", "Bögen", "angekommen", "Prüfsumme")) == []
    await page.screenshot(path=shot("judge-received-en.png"))
    await page.reload()  # the choice stays
    assert (await owner.post(f"/api/floors/{box[1]['floor']}/next")).status_code == 200  # the floor: the Rumba
    await page.locator("#title").filter(has_text="Final Only · Final · Rumba").wait_for(timeout=15000)
    await _queue(page, _refuse)
    await page.locator("#pending").filter(has_text="1 queued, not yet received").wait_for()
    await page.screenshot(path=shot("judge-queued-en.png"))
    await page.unroute(API)
    await page.locator("#pending").filter(has_text="All sheets received").wait_for(timeout=15000)

    await _switch(page, "Deutsch")
    await page.reload()
    await page.locator("#pending").filter(has_text="Alle Bögen angekommen").wait_for()
    assert await page.evaluate("document.documentElement.lang") == "de"
    await context.close()


async def _key_in_the_missing_sheets(owner: SignedClient, facts: dict) -> None:
    """Every sheet of the final not sent yet, keyed in by the scrutineer from paper: the final is computed."""
    final = facts["final"]
    progress = (await owner.get(f"/api/competitions/{facts['competition']}/progress")).json()
    this = next(r for r in progress["rounds"] if r["round_id"] == final["id"])
    bibs = sorted(b for heat in final["heats"]["C"] for b in heat)
    for dance in this["dances"]:
        for judge in dance["missing"]:
            path = f"/api/rounds/{final['id']}/sheets/{dance['dance']}/judges/{judge}"
            answer = await owner.post(path, {"places": {str(b): n + 1 for n, b in enumerate(bibs)}})
            assert answer.status_code == 200, answer.text
    assert (await owner.get(f"/api/rounds/{final['id']}/result")).status_code == 200


async def _the_refusal(box, language: str | None) -> str:
    """What the box says, in `language` (the page's cookie), to a sheet of the computed final."""
    server, facts = box
    cookies = {"floorcraft.lang": language} if language else {}
    async with httpx.AsyncClient(base_url=server.base, timeout=30, cookies=cookies) as http:
        owner = SignedClient(http, *facts["owner"], role="scrutineer")
        path = f"/api/rounds/{facts['final']['id']}/sheets/C/judges/B"
        bibs = sorted(b for heat in facts["final"]["heats"]["C"] for b in heat)
        answer = await owner.post(path, {"places": {str(b): n + 1 for n, b in enumerate(bibs)}})
    assert answer.status_code == 409, answer.text
    return answer.json()["error"]["message"]


async def test_a_sheet_the_box_refuses_reaches_the_tablet_in_german(box, browser, owner):
    context, page = await _tablet(browser, owner, box, "B")
    await page.locator("#title").filter(has_text="Rumba").wait_for()
    await _queue(page, _refuse)  # queued while the box is unreachable ...
    await page.locator("#pending").filter(has_text="Wartet auf Versand: 1").wait_for()
    await _key_in_the_missing_sheets(owner, box[1])  # ... the desk keys in the rest: the final is computed
    await page.unroute(API)
    error = page.locator("#error")
    await error.filter(has_text="wurde abgelehnt").wait_for(timeout=15000)
    german, english = await _the_refusal(box, "de"), await _the_refusal(box, None)
    assert german != english, "the box said its refusal in English to a German page"
    shown = await error.inner_text()
    assert shown.startswith("Der Bogen Rumba (Final Only, Endrunde) wurde abgelehnt: ") and german in shown
    assert await page.locator("#pending").inner_text() == "Alle Bögen angekommen"  # refused: not queued for ever
    await context.close()


async def test_the_display_in_german_and_with_lang_en_in_english(box, browser):
    server, facts = box
    for language in ("de", "en"):
        context, page = await _german(browser, HD)
        await page.clock.install()  # the final's placings are revealed on the page's clock
        query = "&lang=en" if language == "en" else ""
        await page.goto(f"{server.base}/display/?floor={facts['floor']}{query}")
        await page.locator("#now-bibs li").first.wait_for(timeout=10000)
        await page.clock.run_for(8000)
        await page.locator("#result li").nth(5).wait_for()
        text = await page.inner_text("body")
        detail = await page.locator("#now-detail").inner_text()
        if language == "de":
            assert detail.startswith("Endrunde · Rumba · Gruppe 1 von 1"), detail
            assert "Ergebnisse auf dem Handy" in text and "vorläufig" in text
            places = [p.split()[0] for p in await page.locator("#result .place").all_inner_texts()]
            assert places == ["6.", "5.", "4.", "3.", "2.", "1."]  # revealed from last to first, German ordinals
            assert _without(text.lower(), tuple(w.lower() for w in DISPLAY_ENGLISH)) == []  # labels: upper case
            assert await audit(page, "display, German (a final's placings)") == []
        else:
            assert detail.startswith("Final · Rumba · heat 1 of 1"), detail
            assert "Results on your phone" in text and "Ergebnisse" not in text
        switch = await page.locator(".language-switch").bounding_box()
        footer = await page.locator("footer").bounding_box()
        assert switch["y"] >= footer["y"] and switch["y"] + switch["height"] <= footer["y"] + footer["height"] + 1
        assert await page.evaluate(FITS) == []
        await page.screenshot(path=shot(f"display-names-{language}.png"))
        await context.close()


async def test_the_registration_and_join_pages_in_german(box, browser):
    server, facts = box
    context, page = await _german(browser, PHONE)
    await page.goto(facts["link"])
    await page.locator("#title").filter(has_text="Herbstball: Anmeldung der Paare").wait_for()
    assert await page.title() == "Herbstball: Anmeldung der Paare · Floorcraft"
    assert re.search(r"vom \d+\. Dezember bis \d+\. Dezember 2026", await page.locator("#about").inner_text())
    assert _without(await page.inner_text("body"), REGISTER_ENGLISH) == []
    await page.get_by_label("Name des Herrn").fill("Anna Adler")
    await page.get_by_label("Name der Dame").fill("Ben Berger")
    await page.get_by_label("Adult Latin (Cha-Cha-Cha, Rumba, Jive)").check()  # the dances by name, in German
    await page.get_by_role("button", name="Anmelden").click()
    await page.locator("#status").filter(has_text="Angemeldet: Anna Adler / Ben Berger in Adult Latin.").wait_for()
    assert await audit(page, "register, German") == []

    await page.goto(f"{server.base}/join/#not-a-real-code")
    await page.locator("#status").filter(has_text="Scannen Sie den QR-Code").wait_for()
    page = await context.new_page()  # a new document: only the fragment differs
    await page.goto(f"{server.base}/join/#not.real")
    await page.locator("#status").filter(has_text="Bitten Sie den Turnierleiter um einen neuen QR-Code.").wait_for()
    assert "Enrolling" not in await page.inner_text("body") and await page.title() == "Anmelden · Floorcraft"
    await context.close()
