"""The scrutineer's desk in real Chromium runs a small event end to end: set up, register, close, enrol judges
by QR, run the floor, see who has sent what; the chair signs the final off from the desk."""

from __future__ import annotations

import asyncio
import sqlite3

import httpx
import pytest

from appliance.trust.client import SignedClient
from tests.browser.shots import shot
from tests.server import Server

DESK = {"width": 1280, "height": 900}


@pytest.fixture
def empty_box(tmp_path):
    running = Server(tmp_path, demo=False).start()
    yield running
    running.kill()


async def fill(page, button: str, values: dict[str, str]) -> None:
    """Fill the form whose submit button says `button`."""
    form = page.locator("form", has=page.get_by_role("button", name=button))
    for name, value in values.items():
        field = form.locator(f'[name="{name}"]')
        if await field.evaluate("e => e.tagName") == "SELECT":
            await field.select_option(value)
        else:
            await field.fill(value)


async def submit(page, button: str, values: dict[str, str]) -> None:
    """Fill the form whose submit button says `button`, and press it."""
    await fill(page, button, values)
    await page.get_by_role("button", name=button).click()


async def qr_url(page) -> str:
    await page.locator("#qr-dialog[open]").wait_for()
    url = await page.locator("#qr-url").inner_text()
    await page.locator("#qr-close").click()
    return url


async def test_the_desk_runs_a_small_event_end_to_end(empty_box: Server, browser):
    context = await browser.new_context(viewport=DESK)
    page = await context.new_page()
    await page.goto(empty_box.first_enrolment_url())
    await page.wait_for_url("**/desk/")
    await page.get_by_role("button", name="Create competition").wait_for()  # no competition yet: the setup tab
    await submit(
        page,
        "Create competition",
        {"name": "Club Night", "starts_on": "2026-12-05", "ends_on": "2026-12-05", "venue": "Hall"},
    )
    await page.get_by_role("button", name="Add event").wait_for()
    await submit(page, "Add event", {"name": "Novice Waltz", "style": "standard", "dances": "W", "final_size": "6"})
    await page.get_by_role("cell", name="Novice Waltz").wait_for()
    for judge in ("Ann", "Bob", "Cid"):
        await submit(page, "Add adjudicator", {"name": judge})
        await page.get_by_role("cell", name=judge).wait_for()
    await submit(page, "Set panel", {"event": "Novice Waltz", "letters": "ABC"})
    await page.get_by_role("cell", name="ABC").wait_for()

    await page.locator("#tab-registration").click()
    await page.get_by_role("button", name="New link").click()
    link = await qr_url(page)
    token = link.split("#")[1]
    async with httpx.AsyncClient(base_url=empty_box.base, timeout=10) as http:
        for i in range(5):
            response = await http.post(
                f"/api/register/{token}/couple",
                json={"leader": f"Leader {i}", "follower": f"Follower {i}", "events": [1]},
            )
            assert response.status_code == 201
        await page.locator("#tab-registration").click()
        await page.get_by_text("Entries (5)").wait_for()
        await page.locator("#close-registration").click()
        await page.locator("#close-registration-confirm").click()  # the desk asks first (test_desk_live.py)
        await page.get_by_role("button", name="Late entry").wait_for()

        await page.locator("#tab-devices").click()
        judges = {}
        for letter in "ABC":
            await submit(page, "Show QR", {"role": "adjudicator", "judge": letter})
            judges[letter] = await SignedClient.enrol(http, await qr_url(page))
        await submit(page, "Show QR", {"role": "chair", "judge": ""})
        chair_url = await qr_url(page)

        await page.locator("#tab-floor").click()
        await page.locator("#floor-1-start").click()
        await page.get_by_text("Now: Novice Waltz · Final · Waltz · heat 1/1").wait_for()  # the dance by name
        await page.screenshot(path=shot("desk-floor.png"), full_page=True)
        task = (await judges["A"].get("/api/judge/tasks")).json()["tasks"][0]
        for i, letter in enumerate("AB"):
            order = task["bibs"][i:] + task["bibs"][:i]
            response = await judges[letter].post(
                f"/api/rounds/{task['round_id']}/sheets/W", {"places": {str(b): n + 1 for n, b in enumerate(order)}}
            )
            assert response.status_code == 200
        await page.locator("#tab-devices").click()
        await page.get_by_text("Waltz: AB / C").wait_for()
        response = await judges["C"].post(
            f"/api/rounds/{task['round_id']}/sheets/W", {"places": {str(b): n + 1 for n, b in enumerate(task["bibs"])}}
        )
        assert response.status_code == 200

    chair = await browser.new_context(viewport=DESK)
    chair_page = await chair.new_page()
    await chair_page.goto(chair_url)
    await chair_page.wait_for_url("**/desk/")
    await chair_page.locator("#tab-results").click()
    await fill(chair_page, "Set PIN", {"pin": "246813"})
    await chair_page.get_by_role("button", name="Set PIN").click()
    await chair_page.get_by_role("button", name="Sign off: make official").click()
    await chair_page.get_by_text("Final: official").wait_for()
    await chair_page.get_by_role("columnheader", name="1-2", exact=True).first.wait_for()  # the marks, as printed
    await chair_page.screenshot(path=shot("desk-results.png"), full_page=True)
    await chair.close()
    await context.close()
    conn = sqlite3.connect(empty_box.data_dir / "floorcraft.sqlite3")
    assert conn.execute("SELECT chair_pin FROM competitions").fetchone()[0].count("$") == 1  # stored hashed
    conn.close()


async def test_the_desk_enters_and_edits_a_couple(empty_box: Server, browser):
    context = await browser.new_context(viewport=DESK)
    page = await context.new_page()
    await page.goto(empty_box.first_enrolment_url())
    await page.wait_for_url("**/desk/")
    await submit(
        page, "Create competition", {"name": "Cup", "starts_on": "2026-12-05", "ends_on": "2026-12-05", "venue": "Hall"}
    )
    await submit(page, "Add event", {"name": "Jive", "style": "latin", "dances": "J"})
    await page.get_by_role("cell", name="Jive").first.wait_for()
    await page.locator("#tab-registration").click()
    await submit(page, "Enter couple", {"event": "Jive", "leader": "Anna", "follower": "Ben"})
    await page.get_by_text("Entries (1)").wait_for()
    await submit(page, "Edit couple", {"club": "TSC Gold"})
    await page.get_by_role("cell", name="TSC Gold").wait_for()
    await context.close()


async def test_the_desk_scratches_keys_in_paper_sheets_corrects_with_the_pin_and_revokes(empty_box: Server, browser):
    context = await browser.new_context(viewport=DESK)
    page = await context.new_page()
    await page.goto(empty_box.first_enrolment_url())
    await page.wait_for_url("**/desk/")
    await page.get_by_role("button", name="Create competition").wait_for()
    async with httpx.AsyncClient(base_url=empty_box.base, timeout=10) as http:
        await submit(
            page,
            "Create competition",
            {"name": "Cup", "starts_on": "2026-12-05", "ends_on": "2026-12-05", "venue": "Hall"},
        )
        await page.locator("#tab-devices").click()
        await submit(page, "Show QR", {"role": "scrutineer", "judge": ""})
        helper = await SignedClient.enrol(http, await qr_url(page))
        await submit(page, "Show QR", {"role": "chair", "judge": ""})
        chair = await SignedClient.enrol(http, await qr_url(page))
        for name in ("Ann", "Bob", "Cid"):
            await helper.post("/api/competitions/1/adjudicators", {"name": name})
        event = (
            await helper.post("/api/competitions/1/events", {"name": "Rumba", "style": "latin", "dances": ["R"]})
        ).json()
        await helper.put(f"/api/events/{event['id']}/panel", {"letters": ["A", "B", "C"]})
        for i in range(4):
            await helper.post(f"/api/events/{event['id']}/entries", {"leader": f"L{i}", "follower": f"F{i}"})

        await page.locator("#tab-registration").click()
        await page.get_by_role("button", name="Scratch").first.click()
        await page.get_by_role("cell", name="scratched").wait_for()
        await page.locator("#close-registration").click()
        await page.locator("#close-registration-confirm").click()  # the desk asks first (test_desk_live.py)
        await page.get_by_role("button", name="Late entry").wait_for()
        await page.locator("#tab-floor").click()
        await page.locator("#floor-1-start").click()
        await page.get_by_text("Now: Rumba · Final · Rumba").wait_for()
        bibs = (await helper.get("/api/floors/1/status")).json()["now"]["bibs"]
        assert len(bibs) == 3

        await page.locator("#tab-results").click()
        for judge in "ABC":
            await submit(page, "Key in paper sheet", {"dance": "R", "judge": judge, "marks": " ".join(map(str, bibs))})
            await page.locator("#error").wait_for(state="hidden")
        await page.get_by_text("Final: computed").wait_for()
        assert (await chair.put("/api/competitions/1/chair-pin", {"pin": "246813"})).status_code == 204
        await submit(
            page,
            "Correct with the chair's PIN",
            {"dance": "R", "judge": "A", "marks": " ".join(map(str, reversed(bibs))), "pin": "246813"},
        )
        await page.get_by_text("Final: computed").wait_for()

        await page.locator("#tab-devices").click()
        await page.get_by_role("row", name=helper.device_id).get_by_role("button", name="Revoke").click()
        await page.get_by_role("row", name=helper.device_id).get_by_text("revoked").wait_for()
        assert (await helper.get("/api/competitions/")).status_code == 403
    await context.close()
    conn = sqlite3.connect(empty_box.data_dir / "floorcraft.sqlite3")
    versions = conn.execute(
        "SELECT a.letter, s.version, s.keyed FROM sheets s JOIN adjudicators a "
        "ON a.id = s.adjudicator_id ORDER BY a.letter"
    ).fetchall()
    kinds = [r[0] for r in conn.execute("SELECT kind FROM change_log WHERE kind LIKE 'sheet.%' ORDER BY seq")]
    conn.close()
    assert versions == [("A", 2, 1), ("B", 1, 1), ("C", 1, 1)]
    assert kinds == ["sheet.submitted"] * 3 + ["sheet.corrected"]


async def test_a_form_is_disabled_while_it_saves_and_the_view_keeps_what_is_being_typed(empty_box: Server, browser):
    """The desk re-renders after a save: the form that saves is disabled meanwhile, and a form being typed in
    keeps its text and the cursor (the answer to the save is held back by the test, so the order is certain)."""
    context = await browser.new_context(viewport=DESK)
    page = await context.new_page()
    await page.goto(empty_box.first_enrolment_url())
    await page.wait_for_url("**/desk/")
    await submit(
        page, "Create competition", {"name": "Cup", "starts_on": "2026-12-05", "ends_on": "2026-12-05", "venue": "Hall"}
    )
    await submit(page, "Add event", {"name": "Jive", "style": "latin", "dances": "J"})
    await page.get_by_role("cell", name="Jive").first.wait_for()
    await page.locator("#tab-registration").click()
    await page.get_by_role("button", name="Enter couple").wait_for()

    release = asyncio.Event()

    async def hold(route):
        await release.wait()
        await route.continue_()

    await page.route("**/api/events/*/entries", hold)
    await submit(page, "Enter couple", {"event": "Jive", "leader": "Anna", "follower": "Ben"})
    entering = page.locator("form", has=page.get_by_role("button", name="Enter couple"))
    await entering.locator("fieldset:disabled").wait_for()  # saving: nothing can be typed into it, or sent twice
    editing = page.locator("form", has=page.get_by_role("button", name="Edit couple"))
    await editing.locator('[name="club"]').fill("TSC Gold")
    release.set()
    await page.get_by_text("Entries (1)").wait_for()  # saved, and the view shown again
    assert await editing.locator('[name="club"]').input_value() == "TSC Gold"
    assert await page.evaluate("document.activeElement.name") == "club"
    assert await entering.locator('[name="leader"]').input_value() == ""  # the saved form is fresh and enabled
    assert await entering.locator("fieldset").is_enabled()
    await page.unroute("**/api/events/*/entries")
    await context.close()
