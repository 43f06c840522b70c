"""Issue #10 points 5, 6 and 9 from the desk, in real Chromium: the scrutineer sets the deadline for star couples,
seeds a star couple into a later round and gives the event a redance after its 1st round; the chair resolves a tie
at the cut with "Redance the tied couples". Each answer, or refusal in the box's own words, is shown next to the
control that asked (not in the page's error line).

One small box on loopback, set up through the signed API (tests/api/test_star_couples.py `small_event`): competition
1, 14 couples planned 14 -> 8 -> 6 (Waltz, Tango; judges A-C); competition 2, 14 couples 14 -> 6 whose 1st round
is keyed in with a tie on the 6th place (five couples with every cross; two with three each)."""

from __future__ import annotations

import re

import httpx

from tests.api.test_star_couples import bibs_in, rounds_of, small_event
from tests.browser.conftest import box_of
from tests.browser.shots import shot
from tests.browser.test_desk_outcomes import _as_owner
from tests.conftest import Api
from tests.server import Server

DESK = {"width": 1280, "height": 1000}


async def _set_up(server: Server) -> dict:
    async with httpx.AsyncClient(base_url=server.base, timeout=30) as http:
        api = await Api.of_owner(http, server)
        owner = api.device
        stars, event = await small_event(api, recalls=[8, 6])
        tie, tied_event = await small_event(api)
        first = (await rounds_of(api, tied_event))[0]
        bibs = bibs_in(first)
        sure, b5, b6 = bibs[:5], bibs[5], bibs[6]
        for dance, extra in {"W": {"A": b5, "B": b5, "C": b6}, "T": {"A": b5, "B": b6, "C": b6}}.items():
            for judge, bib in extra.items():  # b5 and b6 have three crosses each: a tie on the 6th place
                path = f"/api/rounds/{first['id']}/sheets/{dance}/judges/{judge}"
                await api.ok("POST", path, json={"crosses": [*sure, bib]})
        entries = await api.ok("GET", f"/api/competitions/{stars['id']}/entries")
    return {
        "owner": (owner.device_id, owner.key),
        "stars": {
            "competition": stars["id"],
            "event": event["id"],
            "bibs": sorted(e["couple"]["bib"] for e in entries),
        },
        "tie": {"competition": tie["id"], "event": tied_event["id"], "round": first["id"], "tied": [b5, b6]},
    }


box = box_of(_set_up)


async def _desk(server: Server, facts: dict, browser, role: str, competition: int):
    """A desk page enrolled as `role` for `competition` (in UTC, so the deadline reads the same anywhere)."""
    body = {"role": role, "competition_id": competition}
    made = await _as_owner(server, facts, "POST", "/api/enrolments", body)
    page = await (await browser.new_context(viewport=DESK, timezone_id="UTC")).new_page()
    await page.goto(server.base + made["url"][made["url"].index("/join") :])
    await page.wait_for_url("**/desk/")
    await page.locator("#tab-results").click()
    return page


async def _rebuilt(page, event: int, before: str | None) -> None:
    """Wait until the view is built again after a change (the section's `data-view` is a new one)."""
    await page.locator(f'section.stars[data-event="{event}"]:not([data-view="{before}"])').wait_for()


async def _said(section, key: str, has_text: str) -> str:
    line = section.locator(f'[data-answer="{key}"]')
    await line.filter(has_text=has_text).wait_for()
    return await line.inner_text()


async def test_the_scrutineer_seeds_a_star_couple_sets_its_deadline_and_a_redance(box, browser):
    server, facts = box
    mine = facts["stars"]
    event, star = mine["event"], mine["bibs"][-1]
    page = await _desk(server, facts, browser, "scrutineer", mine["competition"])
    section = page.locator(f'section.stars[data-event="{event}"]')
    await section.wait_for()
    assert await section.locator(".stars-now").inner_text() == "No star couples. No redance after the 1st round."

    await section.get_by_label("Deadline for star couples").fill("2000-01-01T00:00")
    view = await section.get_attribute("data-view")
    await section.get_by_role("button", name="Set the deadline").click()
    said = await _said(section, f"star-{event}-deadline", "may be seeded until")
    await _rebuilt(page, event, view)
    assert said == "Star couples of Adult Standard may be seeded until 2000-01-01 00:00 UTC."
    couple = section.locator(f"#star-{event}-couple")
    label = await couple.locator("option").filter(has_text=re.compile(f"^{star} ")).inner_text()
    await couple.select_option(label=label)
    assert await section.get_by_label("Into").locator("option").all_inner_texts() == [
        "Semi-final (round 2)",
        "Final (round 3)",
    ]
    await section.get_by_role("button", name="Seed as a star couple").click()
    said = await _said(section, f"star-{event}-seeded", "Not done")
    assert said.startswith("Not done: the deadline for star couples of Adult Standard (") and said.endswith(
        "has passed"
    )
    plan = await _as_owner(server, facts, "GET", f"/api/events/{event}/plan")
    assert plan["stars"] == {}  # refused: nothing written

    view = await section.get_attribute("data-view")
    await section.get_by_role("button", name="No deadline").click()
    said = await _said(section, f"star-{event}-deadline", "no deadline")
    await _rebuilt(page, event, view)
    assert said == "Star couples of Adult Standard may be seeded until each round is drawn (no deadline)."
    await couple.select_option(label=label)
    await section.get_by_role("button", name="Seed as a star couple").click()
    said = await _said(section, f"star-{event}-seeded", "is a star couple")
    assert said == (
        f"Couple {star} is a star couple of Adult Standard: it dances no round before the Semi-final, "
        "which is now planned for 9 couples."
    )
    plan = await _as_owner(server, facts, "GET", f"/api/events/{event}/plan")
    assert plan["stars"] == {str(star): 2} and star not in bibs_in(plan["rounds"][0])
    await section.locator(".stars-now", has_text=f"Star couples: {star} (round 2).").wait_for()  # the view again

    recall = section.get_by_label("The redance recalls")
    await section.get_by_role("button", name="Set the redance").click()
    assert (
        await _said(section, f"redance-{event}-set", "Give") == "Give how many couples the redance recalls (1 or more)."
    )
    await recall.fill("5")
    await section.get_by_role("button", name="Set the redance").click()
    said = await _said(section, f"redance-{event}-set", "Not done")
    assert said == "Not done: the redance of the 5 couples the 1st round does not recall must recall fewer than 5"
    await recall.fill("2")
    await section.get_by_role("button", name="Set the redance").click()
    said = await _said(section, f"redance-{event}-set", "has a redance")
    assert said == (
        "Adult Standard has a redance after the 1st round recalling 2: the couples the 1st round does not recall "
        "dance it; the Semi-final is now planned for 11 couples."
    )
    plan = await _as_owner(server, facts, "GET", f"/api/events/{event}/plan")
    assert plan["redance_recall"] == 2 and [r["planned_couples"] for r in plan["rounds"]] == [13, 11, 6]
    await page.screenshot(path=shot("desk-stars-redance.png"), full_page=False)
    assert await page.locator("#error").is_hidden()


async def test_the_chair_has_the_tied_couples_dance_a_redance(box, browser):
    server, facts = box
    tie = facts["tie"]
    page = await _desk(server, facts, browser, "chair", tie["competition"])
    controls = page.locator(f'div.tie[data-round="{tie["round"]}"]')
    await controls.wait_for()
    buttons = await controls.get_by_role("button").all_inner_texts()
    assert buttons == ["Recall 5", "Recall 7", "Redance the tied couples"]
    await controls.get_by_role("button", name="Redance the tied couples").click()
    b5, b6 = tie["tied"]
    # the tie's controls and their answer go once the view is rebuilt; the view's status line keeps the answer
    await page.locator("#done").filter(has_text="dance a redance").wait_for()
    said = await page.locator("#done").inner_text()
    assert (
        said == f"The 5 couples above the tie go through; the 2 tied couples ({b5} {b6}) dance a redance recalling 1."
    )
    plan = await _as_owner(server, facts, "GET", f"/api/events/{tie['event']}/plan")
    assert [r["name"] for r in plan["rounds"]] == ["1st round", "Redance", "Final"]
    assert bibs_in(plan["rounds"][1]) == [b5, b6] and plan["rounds"][0]["state"] == "closed"
    await page.get_by_role("heading", name="Redance: drawn · judges ABC").wait_for()
    assert await controls.count() == 0 and await page.locator("#error").is_hidden()
