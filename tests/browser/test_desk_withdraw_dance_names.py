"""S13 point 2 (the desk says dances by name), in real Chromium: a couple withdrawn from a final after its Cha Cha
was judged is answered "It had danced Cha Cha; ...", not "It had danced C; ...".

One small box on loopback (tests/two_events.py): the 6-couple final (Cha Cha, Rumba; panel A-C) with only the
Cha Cha keyed in; the desk helpers are tests/browser/test_desk_outcomes.py's."""

from __future__ import annotations

import httpx

from tests.browser.conftest import box_of
from tests.browser.test_desk_outcomes import _act, _desk
from tests.conftest import Api
from tests.server import Server
from tests.two_events import bibs, key_in_final, two_events


async def _set_up(server: Server) -> dict:
    async with httpx.AsyncClient(base_url=server.base, timeout=30) as http:
        api = await Api.of_owner(http, server)
        box = await two_events(api)
        final = box["plans"][box["final"]]["rounds"][0]
        await key_in_final(api, final, dances=("C",))  # the Cha Cha judged, the Rumba not yet
        entries = await api.ok("GET", f"/api/competitions/{box['competition']['id']}/entries")
    names = {e["couple"]["bib"]: f"{e['couple']['leader']} / {e['couple']['follower']}" for e in entries}
    owner = (api.device.device_id, api.device.key)
    return {"competition": box["competition"]["id"], "final": final, "names": names, "owner": owner}


box = box_of(_set_up)


async def test_a_withdrawal_from_a_final_names_the_dances_it_had_danced(box, browser):
    server, facts = box
    final = facts["final"]
    gone = bibs(final)[0]
    page = await _desk(server, facts, browser, "scrutineer")
    section = page.locator(f'section.outcomes[data-event="{final["event_id"]}"]')
    await section.wait_for()
    await _act(section, gone, None, "injury")
    await section.locator(".confirm").get_by_role("button", name=f"Confirm: withdraw couple {gone}").click()
    answer = section.locator(".outcome-answer")
    await answer.filter(has_text="is withdrawn").wait_for()
    said = await answer.inner_text()
    assert said.endswith("It had danced Cha Cha; it is placed last in the other dances."), said
    await page.context.close()
