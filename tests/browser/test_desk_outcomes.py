"""Issue #10 points 3 and 4 from the desk, in real Chromium: the scrutineer withdraws a couple and the chair
disqualifies one (after the sign-off, with the chair's PIN) or warns one for the step limit. A reason is required,
a confirmation says what the box will do before anything is sent, and the answer (or the refusal) is shown in plain
words next to the control.

One small box on loopback: a 6-couple final (Cha Cha, Rumba; judged, signed off) and a 10-couple event whose 1st
round (Waltz, Tango) is drawn, panel A-C, set up through the signed API (tests/two_events.py)."""

from __future__ import annotations

import httpx

from appliance.trust.client import SignedClient
from tests.browser.conftest import box_of
from tests.browser.shots import shot
from tests.conftest import Api
from tests.server import Server
from tests.two_events import bibs, key_in_final, two_events

DESK = {"width": 1280, "height": 900}
PIN = "864202"


async def _set_up(server: Server) -> dict:
    async with httpx.AsyncClient(base_url=server.base, timeout=30) as http:
        api = await Api.of_owner(http, server)
        owner = api.device
        box = await two_events(api)
        comp, the_final = box["competition"], box["plans"][box["final"]]["rounds"][0]
        await key_in_final(api, the_final)
        made = await api.ok("POST", "/api/enrolments", 201, json={"role": "chair", "competition_id": comp["id"]})
        chair = await SignedClient.enrol(http, made["url"])
        assert (await chair.put(f"/api/competitions/{comp['id']}/chair-pin", {"pin": PIN})).status_code == 204
        assert (await chair.post(f"/api/rounds/{the_final['id']}/sign-off")).status_code == 200
        entries = await api.ok("GET", f"/api/competitions/{comp['id']}/entries")
    names = {e["couple"]["bib"]: f"{e['couple']['leader']} / {e['couple']['follower']}" for e in entries}
    plans = {"Final Only": box["plans"][box["final"]], "Two Rounds": box["plans"][box["rounds"]]}
    return {"competition": comp["id"], "plans": plans, "names": names, "owner": (owner.device_id, owner.key)}


box = box_of(_set_up)


async def _as_owner(server: Server, facts: dict, method: str, path: str, body: dict | None = None) -> dict:
    """One signed request of the box's owner (the scrutineer device the set-up enrolled)."""
    async with httpx.AsyncClient(base_url=server.base, timeout=30) as http:
        owner = SignedClient(http, *facts["owner"], role="scrutineer")
        answer = await owner.request(method, path, body)
        assert answer.status_code in (200, 201), answer.text
        return answer.json()


async def _desk(server: Server, facts: dict, browser, role: str):
    """A desk page enrolled as `role` (a fresh QR enrolment, as the Devices tab makes it), on the Results tab."""
    made = await _as_owner(
        server, facts, "POST", "/api/enrolments", {"role": role, "competition_id": facts["competition"]}
    )
    page = await (await browser.new_context(viewport=DESK)).new_page()
    await page.goto(server.base + made["url"][made["url"].index("/join") :])
    await page.wait_for_url("**/desk/")
    await page.locator("#tab-results").click()
    return page


async def _act(section, bib: int, action: str | None, reason: str, pin: str | None = None) -> None:
    """Choose the couple and the action, give the reason (and PIN), and ask for the confirmation."""
    await section.get_by_label("Couple").select_option(
        label=next(
            o
            for o in await section.get_by_label("Couple").locator("option").all_inner_texts()
            if o.startswith(f"{bib} ")
        )
    )
    if action is not None:
        await section.get_by_label("Action").select_option(label=action)
    await section.get_by_label("Reason (required)").fill(reason)
    if pin is not None:
        await section.get_by_label("Chair's PIN (the final is signed off)").fill(pin)
    await section.get_by_role("button", name="Review…").click()


async def _standing(server: Server, facts: dict, event: str) -> dict[int, str]:
    plan = facts["plans"][event]
    answer = await _as_owner(server, facts, "GET", f"/api/events/{plan['rounds'][0]['event_id']}/results")
    return {p["bib"]: p["label"] for p in answer["placings"]}


async def test_the_scrutineer_withdraws_a_couple_from_the_desk(box, browser):
    server, facts = box
    first = facts["plans"]["Two Rounds"]["rounds"][0]
    gone, names = bibs(first)[0], facts["names"]
    page = await _desk(server, facts, browser, "scrutineer")
    section = page.locator(f'section.outcomes[data-event="{first["event_id"]}"]')
    await section.wait_for()
    assert await section.get_by_label("Action").locator("option").all_inner_texts() == ["Withdraw"]
    answer = section.locator(".outcome-answer")
    await _act(section, gone, None, "")
    assert await answer.inner_text() == "Give the reason first: the box records why."
    assert await section.locator(".confirm").is_hidden()
    await _act(section, gone, None, "injury in the Waltz")
    confirm = section.locator(".confirm")
    said = await confirm.inner_text()
    assert f"Couple {gone} ({names[gone]}) will be withdrawn from the {first['name']} of Two Rounds" in said
    assert "it will not be recalled, the judges' tablets stop showing it, and sheets already sent stand" in said
    await page.screenshot(path=shot("desk-withdraw.png"), full_page=False)
    assert await _standing(server, facts, "Two Rounds") == {}  # nothing is sent before the confirmation
    await confirm.get_by_role("button", name=f"Confirm: withdraw couple {gone}").click()
    await answer.filter(has_text="is withdrawn").wait_for()
    assert await answer.inner_text() == (
        f"Couple {gone} ({names[gone]}) is withdrawn from the {first['name']}: injury in the Waltz."
    )
    assert await _standing(server, facts, "Two Rounds") == {gone: "withdrawn"}
    await page.get_by_role("row", name=f"withdrawn {gone} {names[gone]}").wait_for()
    await _act(section, gone, None, "again")
    await confirm.get_by_role("button", name=f"Confirm: withdraw couple {gone}").click()
    await answer.filter(has_text="Not done").wait_for()
    assert await answer.inner_text() == f"Not done: couple {gone} is withdrawn already in Two Rounds"
    assert "bad" in (await answer.get_attribute("class")) and await page.locator("#error").is_hidden()


async def test_the_chair_disqualifies_and_warns_after_the_sign_off_with_the_pin(box, browser):
    server, facts = box
    final = facts["plans"]["Final Only"]["rounds"][0]
    (winner, second), names = bibs(final)[:2], facts["names"]
    page = await _desk(server, facts, browser, "chair")
    section = page.locator(f'section.outcomes[data-event="{final["event_id"]}"]')
    await section.wait_for()
    options = await section.get_by_label("Action").locator("option").all_inner_texts()
    assert options == ["Disqualify", "Disqualify for the step limit", "Warn for the step limit"]
    answer, confirm = section.locator(".outcome-answer"), section.locator(".confirm")
    await _act(section, winner, "Disqualify", "unsportsmanlike conduct")
    assert await answer.inner_text() == "The final is signed off: enter the chair's PIN first."
    await _act(section, winner, "Disqualify", "unsportsmanlike conduct", "111111")
    said = await confirm.inner_text()
    assert f"Couple {winner} ({names[winner]}) will be disqualified from Final Only (ESV flag 3)" in said
    assert "the other couples are placed again by the rules" in said and "the result stays official" in said
    await confirm.get_by_role("button", name=f"Confirm: disqualify couple {winner}").click()
    await answer.filter(has_text="Not done").wait_for()
    assert await answer.inner_text() == "Not done: wrong chair's PIN"
    assert await _standing(server, facts, "Final Only") == {b: f"{i}." for i, b in enumerate(bibs(final), 1)}
    await _act(section, winner, "Disqualify", "unsportsmanlike conduct", PIN)
    await confirm.get_by_role("button", name=f"Confirm: disqualify couple {winner}").click()
    await answer.filter(has_text="is disqualified").wait_for()
    text = await answer.inner_text()
    assert text.startswith(f"Couple {winner} ({names[winner]}) is disqualified: unsportsmanlike conduct.")
    assert f"The {final['name']} is placed again (sheets checksum " in text
    labels = await _standing(server, facts, "Final Only")
    assert labels[winner] == "DQ" and labels[second] == "1."
    await page.get_by_role("row", name=f"DQ {winner} {names[winner]}").wait_for()
    await _act(section, second, "Warn for the step limit", "lift in the Rumba", PIN)
    assert (
        "will be warned for the step limit in Final Only (ESV flag 1). No place changes" in await confirm.inner_text()
    )
    await confirm.get_by_role("button", name=f"Confirm: warn couple {second} for the step limit").click()
    await answer.filter(has_text="warned").wait_for()
    assert (
        await answer.inner_text()
        == f"Couple {second} ({names[second]}) is warned for the step limit: lift in the Rumba."
    )
    assert (await _standing(server, facts, "Final Only"))[second] == "1."
    assert await page.locator("#error").is_hidden()
