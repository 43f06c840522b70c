"""Issue #12 point 2: the desk's confirmation before closing registration says what closing will do, from a plan
made without writing (GET /api/competitions/{id}/close-registration/preview, the scrutineer's only)."""

from __future__ import annotations

from tests.conftest import enrolled


async def _open_competition(api) -> dict:
    """Two events, registration open: 14 couples in a Waltz-Tango event (6 per heat), 7 in a final-only Jive,
    one couple in both; one entry scratched."""
    comp = await api.competition(floors=["Main floor"])
    big = await api.event(comp["id"], name="Big", dances=["W", "T"], max_per_heat=6)
    small = await api.event(comp["id"], name="Small", style="latin", dances=["J"], final_size=7)
    link = await api.link(comp["id"])
    for i in range(14):
        await api.register(link["token"], f"B{i}", f"C{i}", [big["id"], small["id"]] if i == 0 else [big["id"]])
    for i in range(6):
        await api.register(link["token"], f"S{i}", f"T{i}", [small["id"]])
    extra = await api.ok("POST", f"/api/events/{small['id']}/entries", 201, json={"leader": "X", "follower": "Y"})
    await api.ok("POST", f"/api/entries/{extra['entries'][0]['id']}/scratch")
    return comp


async def test_the_preview_says_what_closing_will_do_and_writes_nothing(api):
    comp = await _open_competition(api)
    before = await api.head()
    preview = await api.ok("GET", f"/api/competitions/{comp['id']}/close-registration/preview")
    assert await api.head() == before
    assert (preview["couples"], preview["bibs"], preview["first_bib"], preview["last_bib"]) == (20, 20, 1, 20)
    big, small = preview["events"]
    assert (big["event"], big["entries"], big["heats"]) == ("Big", 14, 3)  # 14 couples, 6 per heat: 5 + 5 + 4
    assert [r["name"] for r in big["rounds"]][-1] == "Final" and big["rounds"][0]["couples"] == 14
    assert (small["entries"], small["heats"], [r["kind"] for r in small["rounds"]]) == (7, 1, ["final"])
    assert preview["heats"] == 3 * 2 + 1
    closed = await api.ok("POST", f"/api/competitions/{comp['id']}/close-registration", json={"seed": 3})
    assert closed["bibs"] == preview["bibs"]
    for planned, made in zip(preview["events"], closed["events"], strict=True):
        assert [r["name"] for r in planned["rounds"]] == [r["name"] for r in made["rounds"]]
        heats = made["rounds"][0]["heats"]
        assert all(len(h) == planned["heats"] for h in heats.values())
    await api.refused("GET", f"/api/competitions/{comp['id']}/close-registration/preview", 409, "competition_id")


async def test_the_preview_is_the_scrutineers_only(api, client):
    comp = await _open_competition(api)
    chair = await enrolled(client, "chair", competition_id=comp["id"])
    answer = await chair.get(f"/api/competitions/{comp['id']}/close-registration/preview")
    assert answer.status_code == 403
    await api.refused("GET", "/api/competitions/99/close-registration/preview", 404, None)
