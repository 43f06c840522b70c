"""Issue #12 point 2 (part) in real Chromium: the desk is live and speaks plainly. A judge's sheet sent from
another device updates the desk's progress without a reload, and the late judges are named with how long they
have been waited for; the floor's now/next follow the floor; closing registration asks first, saying what it will
do (bibs, rounds, heats), and Cancel writes nothing; a refused setup form shows the box's plain words next to
the field. One box and one browser for the module: competition 1 (tests/two_events.py: a 6-couple final and a
10-couple event, panel A-C, registration closed) and competition 2, registration open (a 7-couple final and a
10-couple event, 6 per heat). Each state is checked with axe-core (tests/browser/test_accessibility.py)."""

from __future__ import annotations

import re

import httpx
import pytest
import pytest_asyncio
from playwright.async_api import expect

from appliance.model.competition import DANCE_NAMES
from appliance.trust.client import SignedClient
from tests.browser.shots import shot
from tests.browser.test_accessibility import audit
from tests.browser.test_desk import DESK, submit
from tests.browser.test_names_on_screens import browser  # noqa: F401 - the fixture: one browser for the module
from tests.conftest import Api
from tests.server import Server
from tests.two_events import two_events

pytestmark = pytest.mark.asyncio(loop_scope="module")


class Box:
    def __init__(self, server: Server, http: httpx.AsyncClient, owner: SignedClient, first: dict, second: dict):
        self.server, self.http, self.owner, self.first, self.second = server, http, owner, first, second

    async def head(self) -> int:
        return (await self.http.get("/api/health")).json()["change_log_head"]

    async def tablet(self, judge: str) -> SignedClient:
        made = await self.owner.post(
            "/api/enrolments", {"role": "adjudicator", "competition_id": self.first["id"], "judge": judge}
        )
        assert made.status_code == 201, made.text
        return await SignedClient.enrol(self.http, made.json()["url"])


async def _open_competition(api: Api) -> dict:
    comp = await api.competition(name="Open Cup", floors=["Hall"])
    final = await api.event(comp["id"], name="Open Latin", style="latin", dances=["C", "R"], final_size=7)
    rounds = await api.event(comp["id"], name="Open Standard", dances=["W", "T"], max_per_heat=6)
    for event, count in ((final, 7), (rounds, 10)):
        for i in range(count):
            body = {"leader": f"{event['name']} L{i}", "follower": f"F{i}"}
            await api.ok("POST", f"/api/events/{event['id']}/entries", 201, json=body)
    return comp


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def box(tmp_path_factory):
    server = Server(tmp_path_factory.mktemp("box"), demo=False).start()
    try:
        async with httpx.AsyncClient(base_url=server.base, timeout=30) as http:
            api = await Api.of_owner(http, server)
            owner = api.device
            first = (await two_events(api))["competition"]
            second = await _open_competition(api)
            yield Box(server, http, owner, first, second)
    finally:
        server.kill()


async def _desk(box: Box, browser, competition: dict):
    """A desk page (a scrutineer of the box, enrolled by QR as the Devices tab makes it) on `competition`."""
    made = await box.owner.post("/api/enrolments", {"role": "scrutineer"})
    assert made.status_code == 201, made.text
    page = await (await browser.new_context(viewport=DESK, bypass_csp=True)).new_page()  # axe is injected
    url = made.json()["url"]
    await page.goto(box.server.base + url[url.index("/join") :])
    await page.wait_for_url("**/desk/")
    await page.locator("#competition").select_option(str(competition["id"]))
    return page


async def test_a_judges_sheet_updates_the_desk_progress_without_reload_and_names_the_late_judges(box, browser):
    page = await _desk(box, browser, box.first)
    await page.locator("#progress").wait_for()
    await page.evaluate("window.notReloaded = true")
    floor = box.first["floors"][0]["id"]
    moved = (await box.owner.post(f"/api/floors/{floor}/start")).json()["now"]
    now = page.locator(f"#now-{floor}")
    dance = DANCE_NAMES[moved["dance"]]  # by name, not its code
    await expect(now).to_contain_text(f"Now: {moved['event']} · {moved['round']} · {dance} · heat")
    late = page.locator(f'#progress tr[data-round="{moved["round_id"]}"] td.late[data-dance="{moved["dance"]}"]')
    await expect(late).to_contain_text("Late: A (Ann Archer), B (Bob Baker), C (Cid Cooper)")
    await expect(late).to_contain_text(re.compile(r"since the dance started at \d\d:\d\d:\d\d"))

    judge = await box.tablet("B")
    task = (await judge.get("/api/judge/tasks")).json()["tasks"][0]
    sheet = {"places": {str(b): n + 1 for n, b in enumerate(task["bibs"])}}
    assert (await judge.post(f"/api/rounds/{task['round_id']}/sheets/{task['dance']}", sheet)).status_code == 200
    await expect(late).to_contain_text("Late: A (Ann Archer), C (Cid Cooper)")
    waited = re.compile(r"for \d+ (s|min \d\d s) since the first sheet of this dance arrived at \d\d:\d\d:\d\d")
    await expect(late).to_contain_text(waited)
    await expect(late).to_contain_text("sent: B")
    await expect(page.locator("#progress-summary")).to_have_text("1 dance waiting for late sheets")
    assert await page.evaluate("window.notReloaded") is True  # the same page: updated by the live stream
    await page.screenshot(path=shot("desk-live-progress.png"), full_page=True)
    assert await audit(page, "desk (late judges)") == []
    await page.context.close()


async def test_an_error_appears_next_to_its_field_in_plain_words(box, browser):
    page = await _desk(box, browser, box.second)
    await page.locator("#tab-setup").click()
    await submit(page, "Add event", {"name": "Too Big Final", "dances": "W", "final_size": "9"})
    before = await box.head()
    form = page.locator('form[data-form="Add event"]')
    error = form.locator("label:has(input[name=final_size]) + p.field-error")
    await expect(error).to_have_text("the final must have 6 to 8 couples")
    await expect(form.locator("input[name=final_size]")).to_have_attribute("aria-invalid", "true")
    assert "Expected" not in await page.locator("body").inner_text()
    assert await page.locator("#error").is_hidden() and await box.head() == before
    await page.screenshot(path=shot("desk-field-error.png"), full_page=True)
    assert await audit(page, "desk (a field refused)") == []
    await submit(page, "Add event", {"name": "", "final_size": "6"})
    named = form.locator("label:has(input[name=name]) + p.field-error")
    await expect(named).to_have_text("Event must not be empty")  # the field's label, not its code ("name")
    assert await form.locator(".field-error").count() == 1 and await box.head() == before
    await submit(page, "Add event", {"name": "Too Big Final"})
    await expect(page.locator("#done")).to_have_text("Added the event “Too Big Final” on Hall.")
    assert await page.locator(".field-error").count() == 0
    await page.context.close()


async def test_closing_registration_says_what_it_will_do_and_cancel_writes_nothing(box, browser):
    comp = box.second["id"]
    preview = (await box.owner.get(f"/api/competitions/{comp}/close-registration/preview")).json()
    page = await _desk(box, browser, box.second)
    await page.locator("#tab-registration").click()
    await page.locator("#close-registration").click()
    confirm = page.locator("#close-confirm")
    await expect(confirm).to_contain_text(f"Give bib numbers to {preview['bibs']} couples (1 to {preview['bibs']})")
    for event in (e for e in preview["events"] if e["rounds"]):  # an event with no couples: "no rounds"
        rounds = ", ".join(f"{r['name']} ({r['couples']})" for r in event["rounds"])
        await expect(confirm).to_contain_text(f"{event['event']}: {event['entries']} couples; {rounds}")
    await expect(confirm).to_contain_text(f"Draw the first rounds: {preview['heats']} heats in all")
    await expect(confirm).to_contain_text("Open Standard: 10 couples")
    await expect(confirm).to_contain_text("2 heats in each dance of the first round (Waltz, Tango)")
    await page.screenshot(path=shot("desk-close-registration.png"), full_page=True)
    assert await audit(page, "desk (closing registration, confirmation)") == []
    before = await box.head()
    await page.locator("#close-registration-cancel").click()
    await expect(confirm).to_be_hidden()
    await expect(page.locator("#done")).to_have_text("Registration is still open: nothing was changed.")
    assert await box.head() == before
    competitions = (await box.owner.get("/api/competitions/")).json()
    assert next(c for c in competitions if c["id"] == comp)["registration"] == "open"

    await page.locator("#close-registration").click()
    await page.locator("#close-registration-confirm").click()
    bibs, events = preview["bibs"], len(preview["events"])
    await expect(page.locator("#done")).to_have_text(
        f"Registration closed: {bibs} bibs given, {events} events planned, {preview['heats']} heats drawn."
    )
    await page.get_by_role("button", name="Late entry").wait_for()
    await page.context.close()
