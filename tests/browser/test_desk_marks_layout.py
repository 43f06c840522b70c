"""Issue #12 point 2 (the rest) in real Chromium: the scrutineer's results view shows the marks in the conventional
layout of the printed marks report (a recall round's crosses by couple and judge with the totals and who is recalled;
a final's places by judge per dance with the Skating columns and the place), in English and in German; the chair's
desk shows the chair's decisions first (the final to sign off, the PIN) and none of the scrutineer's controls.

One small box (tests/two_events.py): a 6-couple final (Cha Cha, Rumba) keyed in and computed, not signed off, and
a 10-couple event whose 1st round (Waltz, Tango) is keyed in with a clean cut (6 recalled), panel A-C."""

from __future__ import annotations

import httpx
import pytest
from playwright.async_api import expect

from tests.browser.conftest import box_of
from tests.browser.shots import shot
from tests.browser.test_accessibility import audit
from tests.browser.test_desk_setup_fields import desk_page
from tests.conftest import Api
from tests.server import Server
from tests.two_events import bibs, key_in_final, two_events

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def _set_up(server: Server) -> dict:
    async with httpx.AsyncClient(base_url=server.base, timeout=30) as http:
        api = await Api.of_owner(http, server)
        owner = api.device
        box = await two_events(api)
        final = box["plans"][box["final"]]["rounds"][0]
        await key_in_final(api, final)
        first = box["plans"][box["rounds"]]["rounds"][0]
        for dance in ("W", "T"):
            for judge in "ABC":
                body = {"crosses": bibs(first)[: first["recall"]]}
                await api.ok("POST", f"/api/rounds/{first['id']}/sheets/{dance}/judges/{judge}", json=body)
    return {
        "owner": (owner.device_id, owner.key),
        "competition": box["competition"]["id"],
        "final": final,
        "first": first,
    }


box = box_of(_set_up)


async def _desk(box, browser, role: str, locale: str = "en-US"):
    """A desk enrolled as `role` for the competition."""
    return await desk_page(box, browser, box[1]["competition"], role, locale)


async def test_the_scrutineer_sees_the_marks_as_printed_crosses_and_skating_columns(box, module_browser):
    _server, facts = box
    page = await _desk(box, module_browser, "scrutineer")
    await page.locator("#tab-results").click()
    recall = page.locator(f'.marks[data-round="{facts["first"]["id"]}"] table.marks-layout.recall')
    await expect(recall.locator("thead tr").first).to_contain_text("No.WaltzTangoTotalRecalled")
    assert await recall.locator("thead tr").nth(1).all_inner_texts() == ["A\tB\tC\tA\tB\tC"]
    drawn = bibs(facts["first"])
    top = recall.locator(f'tbody tr[data-bib="{drawn[0]}"]')
    assert await top.locator("td").all_inner_texts() == ["X"] * 6 + ["6", "yes"]
    out = recall.locator(f'tbody tr[data-bib="{drawn[-1]}"]')
    assert await out.locator("td").all_inner_texts() == [""] * 6 + ["0", ""]
    assert await recall.locator("tr.cut").count() == 1  # the line under the last couple recalled
    await expect(page.locator(f'.marks[data-round="{facts["first"]["id"]}"]')).to_contain_text(
        "Recalled 6, cut at 6 crosses."
    )

    final = page.locator(f'.marks[data-round="{facts["final"]["id"]}"]')
    cha = final.locator('table.marks-layout.final[data-dance="C"]')
    headers = await cha.locator("thead th").all_inner_texts()
    assert headers == ["No.", "A", "B", "C", "1", "1-2", "1-3", "1-4", "1-5", "1-6", "Place", "Rule"]
    winner = cha.locator(f'tbody tr[data-bib="{bibs(facts["final"])[0]}"]')
    skating = ["1", "1", "1"] + ["3"] + ["3(3)"] * 5 + ["1"]  # A B C, columns 1 and 1-2 ... 1-6, the place
    assert (await winner.locator("td").all_inner_texts())[:10] == skating
    await expect(final.get_by_role("heading", name="Cha Cha: majority 2 of 3")).to_be_visible()
    await expect(final.locator("table.marks-layout.overall")).to_be_visible()  # over both dances (Rule 9)
    await expect(final.locator("table.marks-layout.reasons")).to_contain_text("Rule")
    assert await page.locator("#chair-actions").count() == 0  # the scrutineer's view has no chair's section
    await page.screenshot(path=shot("desk-marks-layout-en.png"), full_page=True)
    assert await audit(page, "desk (results: the marks layout)") == []
    await page.context.close()


async def test_the_marks_layout_in_german(box, module_browser):
    _server, facts = box
    page = await _desk(box, module_browser, "scrutineer", locale="de-DE")
    await page.locator("#tab-results").click()
    recall = page.locator(f'.marks[data-round="{facts["first"]["id"]}"] table.marks-layout.recall')
    await expect(recall.locator("thead tr").first).to_contain_text("Nr.Langsamer WalzerTangoSummeWeiter")
    final = page.locator(f'.marks[data-round="{facts["final"]["id"]}"]')
    await expect(final.get_by_role("heading", name="Cha-Cha-Cha: Mehrheit 2 von 3")).to_be_visible()
    await expect(final.locator('table[data-dance="C"] thead')).to_contain_text("PlatzRegel")
    await page.screenshot(path=shot("desk-marks-layout-de.png"), full_page=True)
    await page.context.close()


async def test_the_chair_sees_its_decisions_first_and_no_scrutineer_controls(box, module_browser):
    page = await _desk(box, module_browser, "chair")
    actions = page.locator("#chair-actions")
    await expect(actions.get_by_role("button", name="Sign off: make official")).to_be_visible()
    await expect(actions.get_by_role("button", name="Set PIN")).to_be_visible()
    assert await page.locator("#tabs button").all_inner_texts() == ["Decisions & results", "Floors"]
    first_heading = await page.locator("#view h2").first.inner_text()
    assert first_heading == "Your decisions"  # before every event's results
    for scrutineers in ("Key in paper sheet", "Correct with the chair's PIN", "Seed as a star couple"):
        assert await page.get_by_role("button", name=scrutineers).count() == 0, scrutineers
    assert await page.get_by_role("heading", name="Withdraw a couple").count() == 0
    assert await audit(page, "desk (the chair's decisions)") == []

    await page.locator("#tab-floor").click()
    await page.locator("#progress").wait_for()
    assert await page.locator('#view button[id^="floor-"]').count() == 0  # the chair cannot move the floor

    await page.locator("#tab-results").click()
    await actions.get_by_role("button", name="Sign off: make official").click()
    await expect(page.locator("#done")).to_have_text("Final Only: the results are official.")
    await expect(page.locator("#nothing-waits")).to_have_text("Nothing waits for your decision now.")
    await page.get_by_role("heading", name="Final: official · judges ABC").wait_for()
    await page.context.close()
