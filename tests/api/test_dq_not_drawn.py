"""The chair's disqualification and warning agree on a couple not yet drawn into a round of the event (brief S12
point 4): both are refused in the same plain words (409, nothing written). A disqualification puts a couple out
of what happened in the event (formats.md: ESV `vd` "only for something that happened in this event"); before the
draw the couple is not in it yet, and the entry is the scrutineer's to scratch. Once drawn, both are taken (the
round it is drawn into is the one they name: tests/api/test_step_limit.py, tests/api/test_withdrawals.py).
"""

from __future__ import annotations

from tests.conftest import enrolled

GERMAN = {"Accept-Language": "de"}


async def test_a_couple_not_drawn_yet_can_be_neither_disqualified_nor_warned(api, client):
    comp = await api.competition(floors=["Main floor"])
    event = await api.event(comp["id"])
    link = await api.link(comp["id"])
    await api.register(link["token"], "Ann Early", "Bob Early", [event["id"]])
    entry = (await api.ok("GET", f"/api/competitions/{comp['id']}/entries"))[0]
    chair = await enrolled(client, "chair", competition_id=comp["id"])
    head = await api.head()
    said = set()
    for action, body in (
        ("disqualify", {"reason": "conduct at the costume check"}),
        ("disqualify", {"reason": "lift", "step_limit": True}),
        ("warn", {"reason": "lift"}),
    ):
        answer = await chair.post(f"/api/entries/{entry['id']}/{action}", body)
        assert answer.status_code == 409, (action, answer.text)
        error = answer.json()["error"]
        assert error["field"] == "entry_id", error
        said.add(error["message"])
    assert said == {
        "the couple Ann Early / Bob Early is not drawn into a round of Adult Standard yet: it has not danced"
    }
    german = await chair.post(f"/api/entries/{entry['id']}/disqualify", {"reason": "conduct"}, headers=GERMAN)
    assert german.status_code == 409 and german.json()["error"]["message"].endswith("es hat nicht getanzt")
    assert await api.head() == head
