"""Found by trying the desk as a stranger (brief S8), in real Chromium: a scrutineer enrolled for a competition (as
the Devices tab enrols a second scrutineer) opens "Devices & progress" and sees the devices and who has sent what;
the box's cloud section, which only the box's owner may read (`GET /api/sync`), is left out instead of replacing the
whole tab with a refusal."""

from __future__ import annotations

import httpx

from tests.browser.conftest import box_of
from tests.conftest import Api
from tests.server import Server


async def _set_up(server: Server) -> str:
    """A competition with one event; the URL of a QR enrolment of a scrutineer for that competition."""
    async with httpx.AsyncClient(base_url=server.base, timeout=30) as http:
        api = await Api.of_owner(http, server)
        competition = await api.competition()
        await api.event(competition["id"])
        made = await api.ok(
            "POST", "/api/enrolments", 201, json={"role": "scrutineer", "competition_id": competition["id"]}
        )
    return made["url"][made["url"].index("/join") :]


box = box_of(_set_up)


async def test_a_competition_s_scrutineer_sees_devices_and_progress(box, browser):
    server, join = box
    page = await (await browser.new_context(viewport={"width": 1280, "height": 900})).new_page()
    await page.goto(server.base + join)
    await page.wait_for_url("**/desk/")
    await page.locator("#tab-devices").click()
    await page.get_by_role("heading", name="Who has sent what").wait_for()
    await page.get_by_role("heading", name="Devices").wait_for()
    assert await page.locator("#error").is_hidden()
    assert await page.locator("#view .message.bad").count() == 0
    assert await page.get_by_role("heading", name="Cloud").count() == 0  # the box's owner's business
