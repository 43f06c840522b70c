"""Probe leftover (brief H10 point 1): a redance drawn after a schedule move takes its place in the floor's order
right after the round it redances and before the round it feeds, not at the end of the day (after the final), so
its times on the desk and the display are right. The rebuild from the change log puts it at the same place."""

from __future__ import annotations

from tests.api.test_star_couples import bibs_in, key_round, rebuilt_matches, rounds_of, small_event


async def test_a_redance_drawn_after_a_move_comes_between_its_round_and_the_next(api, client):
    comp, event = await small_event(api, recalls=[7, 6])
    await api.ok("PUT", f"/api/events/{event['id']}/redance", json={"recall": 2})
    floor = comp["floors"][0]["id"]
    first, semi, final = await rounds_of(api, event)
    moved = await api.ok("POST", "/api/schedule/move", json={"round_id": first["id"], "position": 1})
    assert [r["round_id"] for r in moved["floors"][0]["rounds"]] == [first["id"], semi["id"], final["id"]]

    await key_round(api, first, dict.fromkeys("ABC", bibs_in(first)[:7]))  # the other 7 dance the redance
    _, redance, semi, final = await rounds_of(api, event)
    assert redance["name"] == "Redance" and redance["state"] == "drawn"
    schedule = (await client.get(f"/api/schedule?floor={floor}")).json()
    rounds = schedule["floors"][0]["rounds"]
    assert [r["round_id"] for r in rounds] == [first["id"], redance["id"], semi["id"], final["id"]]
    assert [r["position"] for r in rounds] == [1, 2, 3, 4]
    assert rounds[1]["start"] >= rounds[0]["end"] and rounds[1]["end"] <= rounds[2]["start"]
    order = await api.ok("GET", f"/api/floors/{floor}/running-order")
    assert list(dict.fromkeys(item["round_id"] for item in order)) == [first["id"], redance["id"]]
    assert rebuilt_matches(client) == []
