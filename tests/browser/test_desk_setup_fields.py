"""Issue #12 point 2 (the rest) in real Chromium: the desk has every setup field the API has and edits a competition,
imports couples from a CSV file with its row errors in plain words (nothing imported when a row is bad), and shows
the schedule of the competition selected. One small box for the module: competition 1 "Spring Cup" (one event,
registration open, no couples) and competition 2 "Autumn Cup" (floors "Ballroom A" and "Ballroom B")."""

from __future__ import annotations

import httpx
import pytest
from playwright.async_api import expect

from appliance.trust.client import SignedClient
from tests.browser.conftest import box_of
from tests.browser.shots import shot
from tests.browser.test_accessibility import audit
from tests.browser.test_desk import DESK, fill, submit
from tests.conftest import Api
from tests.server import Server

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def _set_up(server: Server) -> dict:
    async with httpx.AsyncClient(base_url=server.base, timeout=30) as http:
        api = await Api.of_owner(http, server)
        owner = api.device
        spring = await api.competition(name="Spring Cup", floors=["Main floor"])
        await api.event(spring["id"], name="Adult Standard", dances=["W", "T"])
        autumn = await api.competition(name="Autumn Cup", floors=["Ballroom A", "Ballroom B"])
        await api.event(autumn["id"], name="Youth Latin", style="latin", dances=["C"], floor="Ballroom B")
    return {"owner": (owner.device_id, owner.key), "spring": spring, "autumn": autumn}


box = box_of(_set_up)


async def as_owner(box, method: str, path: str, body=None) -> httpx.Response:
    """One request signed by the box's owner (`box`: (server, facts) with facts["owner"], as set up here)."""
    server, facts = box
    async with httpx.AsyncClient(base_url=server.base, timeout=30) as http:
        return await SignedClient(http, *facts["owner"], role="scrutineer").request(method, path, body)


async def desk_page(box, browser, competition: int | None = None, role: str = "scrutineer", locale: str = "en-US"):
    """A desk enrolled as `role` (for `competition`, or a scrutineer for the whole box) by a QR the owner made."""
    made = (await as_owner(box, "POST", "/api/enrolments", {"role": role, "competition_id": competition})).json()
    context = await browser.new_context(viewport=DESK, locale=locale, bypass_csp=True)  # axe is injected
    page = await context.new_page()
    await page.goto(box[0].base + made["url"][made["url"].index("/join") :])
    await page.wait_for_url("**/desk/")
    return page


async def _desk(box, browser, competition: dict):
    """The box owner's scrutineer desk, on `competition`."""
    page = await desk_page(box, browser)
    await page.locator("#competition").select_option(str(competition["id"]))
    return page


BAD_CSV = (
    "leader,follower,club,country,events\n"
    "Anna Alt,Ben Bauer,TSC Gold,GER,Adult Standard\n"
    ",Carla Cruz,,,Adult Standard\n"
    "Dirk Dorn,Eva Ernst,,,Senior Latin\n"
)
GOOD_CSV = (
    "leader,follower,club,country,events\n"
    "Anna Alt,Ben Bauer,TSC Gold,GER,Adult Standard\n"
    "Dirk Dorn,Eva Ernst,,,Adult Standard\n"
)


async def test_a_bad_csv_imports_nothing_and_lists_each_row_then_a_good_file_imports(box, module_browser, tmp_path):
    facts = box[1]
    spring = facts["spring"]
    page = await _desk(box, module_browser, spring)
    await page.locator("#tab-registration").click()
    form = page.locator("form#import")
    await form.get_by_label("or paste the CSV here").fill(BAD_CSV)
    await form.get_by_role("button", name="Import couples").click()
    error = form.locator(".field-error")
    await expect(error).to_contain_text("Nothing was imported: 2 rows have errors.")
    rows = await error.locator("li").all_inner_texts()
    assert rows[0].startswith("row 3: leader") and "Senior Latin" in rows[1] and rows[1].startswith("row 4: "), rows
    assert "Expected" not in await page.locator("body").inner_text()
    entries = await as_owner(box, "GET", f"/api/competitions/{spring['id']}/entries")
    assert entries.json() == []  # nothing was imported
    assert await audit(page, "desk (CSV import: the rows' errors shown)") == []

    path = tmp_path / "couples.csv"
    path.write_text(GOOD_CSV)
    await form.get_by_label("or paste the CSV here").fill("")
    await form.get_by_label("CSV file").set_input_files(str(path))
    await form.get_by_role("button", name="Import couples").click()
    await expect(page.locator("#done")).to_have_text("Imported 2 couples' entries from the CSV file.")
    await page.get_by_text("Entries (2)").wait_for()
    await page.get_by_role("cell", name="TSC Gold").wait_for()
    assert await page.locator("form#import .field-error").count() == 0
    await page.context.close()


async def test_every_setup_field_reaches_the_box_and_a_competition_is_edited(box, module_browser):
    facts = box[1]
    spring = facts["spring"]
    page = await _desk(box, module_browser, spring)
    await page.locator("#tab-setup").click()
    await fill(
        page,
        "Add event",
        {
            "name": "Youth D Latin",
            "style": "latin",
            "dances": "C S R",
            "age_group": "Youth",
            "level": "D",
            "max_per_heat": "8",
            "final_size": "7",
        },
    )
    await page.get_by_label("Redraw the heats for each dance").uncheck()
    await page.get_by_role("button", name="Add event").click()
    await expect(page.locator("#done")).to_have_text("Added the event “Youth D Latin” on Main floor.")
    row = page.locator("#events tr", has_text="Youth D Latin")
    await expect(row).to_contain_text("Cha Cha, Samba, Rumba")
    events = (await as_owner(box, "GET", f"/api/competitions/{spring['id']}/events")).json()
    made = next(e for e in events if e["name"] == "Youth D Latin")
    assert (made["age_group"], made["level"], made["max_per_heat"], made["final_size"]) == ("Youth", "D", 8, 7)
    assert made["redraw_per_dance"] is False and made["style"] == "latin"

    edit = page.locator("form#edit-competition")
    await edit.locator('[name="name"]').fill("Spring Open")
    await edit.locator('[name="venue"]').fill("Civic Hall")
    await edit.locator('[name="first_bib"]').fill("101")
    await page.screenshot(path=shot("desk-setup-fields.png"), full_page=True)
    await edit.get_by_role("button", name="Save the competition").click()
    await expect(page.locator("#done")).to_have_text("Saved the competition “Spring Open”.")
    await expect(page.locator("#competition option:checked")).to_have_text("Spring Open")
    saved = (await as_owner(box, "GET", f"/api/competitions/{spring['id']}")).json()
    assert (saved["name"], saved["venue"], saved["first_bib"]) == ("Spring Open", "Civic Hall", 101)

    await edit.locator('[name="ends_on"]').fill("2026-12-01")  # before it starts: refused next to the field
    await edit.get_by_role("button", name="Save the competition").click()
    await expect(edit.locator("label:has(input[name=ends_on]) + p.field-error")).to_contain_text("end before it starts")

    await page.locator("#tab-registration").click()
    await submit(page, "New link", {"role": "adjudicator", "closes_at": "2026-12-04T18:00"})
    await page.locator("#qr-dialog[open]").wait_for()
    await page.locator("#qr-close").click()
    links = (await as_owner(box, "GET", f"/api/competitions/{spring['id']}/registration-links")).json()
    assert [link["role"] for link in links] == ["adjudicator"] and links[0]["closes_at"].startswith("2026-12-04")
    await submit(
        page,
        "Enter couple",
        {"event": "Youth D Latin", "leader": "Gus Graf", "follower": "Hedi Horn", "country": "aut"},
    )
    await page.get_by_role("cell", name="AUT").wait_for()

    await page.locator("#tab-setup").click()
    await submit(page, "Add adjudicator", {"name": "Kim Kaiser", "country": "ned", "letter": "k"})
    await expect(page.locator("#done")).to_have_text("Added the adjudicator Kim Kaiser as judge K.")
    judges = (await as_owner(box, "GET", f"/api/competitions/{spring['id']}/adjudicators")).json()
    assert [(j["letter"], j["name"], j["country"]) for j in judges] == [("K", "Kim Kaiser", "NED")]
    entries = (await as_owner(box, "GET", f"/api/competitions/{spring['id']}/entries")).json()
    assert next(e["couple"]["country"] for e in entries if e["couple"]["leader"] == "Gus Graf") == "AUT"
    await page.context.close()


async def test_a_new_competition_takes_its_first_bib_and_the_schedule_shows_the_selected_floors(box, module_browser):
    facts = box[1]
    page = await _desk(box, module_browser, facts["autumn"])
    schedule = page.locator("#schedule")
    await expect(schedule.locator("h3", has_text="Ballroom A")).to_be_visible()
    await expect(schedule.locator("h3", has_text="Main floor")).to_have_count(0)  # not competition 1's floors
    await page.locator("#competition").select_option(str(facts["spring"]["id"]))
    await expect(schedule.locator("h3", has_text="Main floor")).to_be_visible()
    await expect(schedule.locator("h3", has_text="Ballroom A")).to_have_count(0)

    await page.locator("#tab-setup").click()
    await submit(
        page,
        "Create competition",
        {"name": "Winter Cup", "starts_on": "2027-01-09", "ends_on": "2027-01-09", "venue": "Hall", "first_bib": "500"},
    )
    await expect(page.locator("#competition option:checked")).to_have_text("Winter Cup")  # the new one, selected
    created = (await as_owner(box, "GET", "/api/competitions/")).json()[-1]
    assert (created["name"], created["first_bib"]) == ("Winter Cup", 500)
    await page.context.close()
