"""Editing a competition (PATCH /api/competitions/{id}): only the fields given change, in one logged write that
`verify` rebuilds; bad input is refused naming the field with nothing written; the first bib is fixed once
registration has closed; only the scrutineer may edit."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import enrolled


async def test_an_edit_changes_only_the_fields_given_and_is_logged_and_rebuilt(api, client, settings):
    from appliance.audit import audit

    comp = await api.competition()
    path = f"/api/competitions/{comp['id']}"
    edited = await api.ok("PATCH", path, json={"name": "Autumn Cup", "venue": "Civic Hall", "first_bib": 101})
    assert edited == comp | {"name": "Autumn Cup", "venue": "Civic Hall", "first_bib": 101}
    assert await api.ok("GET", path) == edited
    moved = await api.ok("PATCH", path, json={"starts_on": "2026-12-06"})  # one day now: 6 to 6 December
    assert (moved["starts_on"], moved["ends_on"], moved["name"]) == ("2026-12-06", "2026-12-06", "Autumn Cup")
    store = client.app.state["ctx"].store
    kinds = store.read_sync(lambda conn: [r[0] for r in conn.execute("SELECT kind FROM change_log ORDER BY seq")])
    assert kinds.count("competition.updated") == 2
    report = store.read_sync(lambda conn: audit(conn, Path(settings.data_dir)))
    assert report.problems == [] and any("identical" in n for n in report.notes), report


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({}, 422, None),
        ({"ends_on": "2026-12-01"}, 422, "ends_on"),
        ({"starts_on": "2026-12-09"}, 422, "starts_on"),
        ({"name": " "}, 400, "name"),
        ({"first_bib": 0}, 400, "first_bib"),
        ({"first_bib": 9001}, 400, "first_bib"),
        ({"floors": ["Ballroom"]}, 400, "floors"),
        ({"starts_on": "tomorrow"}, 400, "starts_on"),
    ],
)
async def test_a_bad_edit_is_refused_naming_the_field_and_writes_nothing(api, body, status, field):
    comp = await api.competition()
    error = await api.refused("PATCH", f"/api/competitions/{comp['id']}", status, field, json=body)
    assert "Expected" not in error["message"]  # plain words, not the validator's
    assert await api.ok("GET", f"/api/competitions/{comp['id']}") == comp


async def test_the_first_bib_is_fixed_once_registration_closed_and_only_the_scrutineer_edits(api, client):
    comp = await api.competition()
    path = f"/api/competitions/{comp['id']}"
    await api.ok("POST", f"{path}/close-registration", json={})
    error = await api.refused("PATCH", path, 409, "first_bib", json={"first_bib": 50})
    assert "bibs are given" in error["message"]
    assert (await api.ok("PATCH", path, json={"name": "Renamed", "first_bib": 1}))["name"] == "Renamed"
    chair = await enrolled(client, "chair", competition_id=comp["id"])
    assert (await chair.request("PATCH", path, {"name": "Chair's Cup"})).status_code == 403
    assert (await api.ok("GET", path))["name"] == "Renamed"
    await api.refused("PATCH", "/api/competitions/99", 404, "competition_id", json={"name": "Nowhere"})
