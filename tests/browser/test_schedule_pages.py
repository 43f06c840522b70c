"""Issue #10 point 8 in real Chromium: the day's schedule with times on the desk (where the scrutineer sets a
floor's timing, moves a round and sees the couples due on two floors at once), on the hall's display (now and
next, with times) and on the public results page (the day's schedule). The demo box, one browser."""

from __future__ import annotations

import datetime as dt

import httpx

from tests.browser.shots import shot
from tests.browser.test_judge import server  # noqa: F401 - the fixture
from tests.server import Server

DESK = {"width": 1280, "height": 900}
SCREEN = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}
DASH = "\u2013"  # the pages show a time span as 10:00\u201310:34


def hhmm(iso: str) -> str:
    return iso[11:16]


async def test_the_desk_display_and_results_page_show_the_days_times(server: Server, browser):
    async with httpx.AsyncClient(base_url=server.base, timeout=10) as http:
        today = (await http.get("/api/schedule")).json()["floors"][0]["settings"]["start"]  # the demo's day, 09:00
    start = (dt.datetime.fromisoformat(today) + dt.timedelta(days=1)).isoformat()  # ahead of the box's clock
    context = await browser.new_context(viewport=DESK)
    desk = await context.new_page()
    await desk.goto(server.first_enrolment_url())
    await desk.wait_for_url("**/desk/")
    main = desk.locator('#schedule .schedule-floor[data-floor="1"]')
    await main.locator(".schedule-table").wait_for(timeout=10000)
    second = desk.locator('#schedule .schedule-floor[data-floor="2"]')
    for floor, change in ((second, "120"), (main, "60")):  # both floors from 09:00 the next day
        await floor.locator("summary").click()
        await floor.locator('input[name="start"]').fill(start)
        await floor.locator('input[name="round_change_seconds"]').fill(change)
        await floor.get_by_role("button", name="Save timing").click()
        await floor.locator("tbody tr").first.filter(has_text=f"{hhmm(start)}{DASH}").wait_for(timeout=10000)
    first = main.locator("tbody tr").first
    await first.filter(has_text=f"{hhmm(start)}{DASH}").wait_for(timeout=10000)
    youth = main.locator("tbody tr", has_text="Youth Standard").first
    await youth.get_by_role("button", name="Move Youth Standard · 1st round earlier").click()
    await first.filter(has_text="Youth Standard").wait_for(timeout=10000)

    async with httpx.AsyncClient(base_url=server.base, timeout=10) as http:
        day = (await http.get("/api/schedule")).json()
    floor = day["floors"][0]
    assert floor["settings"]["start"] == start and floor["settings"]["round_change_seconds"] == 60
    assert [r["event"] for r in floor["rounds"][:2]] == ["Youth Standard", "Adult Standard Open"]
    rows = await main.locator("tbody tr").all_inner_texts()
    assert [r.split("\t")[:3] for r in rows] == [
        [f"{hhmm(r['start'])}{DASH}{hhmm(r['end'])}", r["event"], r["round"]] for r in floor["rounds"]
    ]
    clashes = desk.locator("#schedule .schedule-clashes li")
    assert day["clashes"] and await clashes.all_inner_texts() == [c["message"] for c in day["clashes"]]
    await desk.screenshot(path=shot("desk-schedule.png"), full_page=True)
    await context.close()

    hall = await browser.new_context(viewport=SCREEN)
    display = await hall.new_page()
    await display.goto(f"{server.base}/display/?floor=1")
    line = display.locator("#schedule .schedule-line")
    nxt = floor["rounds"][0]
    await line.filter(has_text=f"next {nxt['event']} · {nxt['round']} at {hhmm(nxt['start'])}").wait_for(timeout=10000)
    await hall.close()

    phone = await browser.new_context(viewport=PHONE)
    page = await phone.new_page()
    await page.goto(f"{server.base}/results/")
    table = page.locator('#schedule .schedule-floor[data-floor="1"] tbody tr')
    await table.first.filter(has_text=f"{hhmm(start)}{DASH}").wait_for(timeout=10000)
    assert (await table.first.inner_text()).split("\t")[1:3] == ["Youth Standard", "1st round"]
    assert await page.locator("#schedule h3").all_inner_texts() == ["Main floor", "Second floor"]
    await phone.close()
