"""Competition setup over the API: competitions, events, adjudicators, panels; bad input refused, nothing written."""

from __future__ import annotations

import pytest


async def test_create_list_and_get_a_competition_with_its_floors(api):
    created = await api.competition()
    assert [f["name"] for f in created["floors"]] == ["Main floor", "Second floor"]
    assert created["registration"] == "open" and created["first_bib"] == 1
    assert await api.ok("GET", f"/api/competitions/{created['id']}") == created
    assert await api.ok("GET", "/api/competitions/") == [created]


BASE = {"name": "Cup", "starts_on": "2026-12-05", "ends_on": "2026-12-05", "venue": "Hall"}


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({k: v for k, v in BASE.items() if k != "venue"}, 400, "venue"),
        (BASE | {"name": ""}, 400, "name"),
        (BASE | {"name": "x" * 121}, 400, "name"),
        (BASE | {"starts_on": "5th of December"}, 400, "starts_on"),
        (BASE | {"ends_on": "2026-12-01"}, 422, "ends_on"),
        (BASE | {"first_bib": 0}, 400, "first_bib"),
        (BASE | {"floors": []}, 400, "floors"),
        (BASE | {"floors": ["A", "a"]}, 422, "floors"),
        (BASE | {"colour": "red"}, 400, "colour"),
    ],
)
async def test_a_bad_competition_is_refused_naming_the_field(api, body, status, field):
    await api.refused("POST", "/api/competitions/", status, field, json=body)


async def test_malformed_json_and_a_missing_competition(api):
    await api.refused(
        "POST", "/api/competitions/", 400, None, content=b"{nope", headers={"content-type": "application/json"}
    )
    error = await api.refused("GET", "/api/competitions/42", 404, "competition_id")
    assert error["message"] == "no competition 42"


async def test_events_carry_their_dances_floor_and_limits(api):
    comp = await api.competition()
    event = await api.event(
        comp["id"], floor="Second floor", max_per_heat=14, final_size=7, level="Amateur", age_group="Youth"
    )
    assert event["dances"] == ["W", "T", "Q"] and event["floor"] == "Second floor" and event["final_size"] == 7
    custom = await api.event(comp["id"], name="Showcase", style="other", dances=["Salsa", "Bachata"])
    assert custom["floor"] == "Main floor"
    assert [e["name"] for e in await api.ok("GET", f"/api/competitions/{comp['id']}/events")] == [
        "Adult Standard",
        "Showcase",
    ]
    assert (await api.ok("GET", f"/api/events/{event['id']}"))["level"] == "Amateur"


@pytest.mark.parametrize(
    ("overrides", "status", "field"),
    [
        ({"style": "latin", "dances": ["W"]}, 422, "dances"),
        ({"dances": ["W", "W"]}, 422, "dances"),
        ({"dances": []}, 400, "dances"),
        ({"style": "salsa"}, 400, "style"),
        ({"final_size": 9}, 400, "final_size"),
        ({"max_per_heat": 1}, 400, "max_per_heat"),
        ({"floor": "Ballroom 9"}, 422, "floor"),
        ({"name": "Adult Standard"}, 409, "name"),
    ],
)
async def test_a_bad_event_is_refused_naming_the_field(api, overrides, status, field):
    comp = await api.competition()
    await api.event(comp["id"])
    body = {"name": "Adult Latin", "style": "standard", "dances": ["W", "T"]} | overrides
    await api.refused("POST", f"/api/competitions/{comp['id']}/events", status, field, json=body)


async def test_events_of_a_missing_competition(api):
    await api.refused(
        "POST",
        "/api/competitions/9/events",
        404,
        "competition_id",
        json={"name": "X", "style": "latin", "dances": ["C"]},
    )
    await api.refused("GET", "/api/competitions/9/events", 404, "competition_id")
    await api.refused("GET", "/api/events/9", 404, "event_id")


async def test_adjudicators_get_the_next_free_letter_or_their_own(api):
    comp = await api.competition()
    path = f"/api/competitions/{comp['id']}/adjudicators"
    first = await api.ok("POST", path, 201, json={"name": "Margaret Holt", "country": "GBR"})
    own = await api.ok("POST", path, 201, json={"name": "Peter Lang", "letter": "G"})
    third = await api.ok("POST", path, 201, json={"name": "Ilse de Vries"})
    assert (first["letter"], own["letter"], third["letter"]) == ("A", "G", "B")
    assert [a["letter"] for a in await api.ok("GET", path)] == ["A", "B", "G"]
    await api.refused("POST", path, 409, "letter", json={"name": "Someone", "letter": "G"})
    await api.refused("POST", path, 400, "letter", json={"name": "Someone", "letter": "g1"})
    await api.refused("POST", path, 400, "country", json={"name": "Someone", "country": "Germany"})
    await api.refused("GET", "/api/competitions/9/adjudicators", 404, "competition_id")


async def test_the_panel_of_an_event(api):
    comp = await api.competition()
    event = await api.event(comp["id"])
    for name in ("Ann", "Bob", "Cid"):
        await api.ok("POST", f"/api/competitions/{comp['id']}/adjudicators", 201, json={"name": name})
    updated = await api.ok("PUT", f"/api/events/{event['id']}/panel", json={"letters": ["C", "A", "B"]})
    assert updated["panel"] == ["A", "B", "C"]
    await api.refused("PUT", f"/api/events/{event['id']}/panel", 422, "letters", json={"letters": ["A", "Z"]})
    await api.refused("PUT", f"/api/events/{event['id']}/panel", 422, "letters", json={"letters": ["A", "A"]})
    await api.refused("PUT", f"/api/events/{event['id']}/panel", 400, "letters", json={"letters": []})
    await api.refused("PUT", "/api/events/77/panel", 404, "event_id", json={"letters": ["A"]})


async def test_every_change_is_in_the_change_log(api):
    before = await api.head()
    comp = await api.competition()
    await api.event(comp["id"])
    assert await api.head() == before + 2
