"""Found by probing today's routes as an attacker and a careless operator (brief S8): every refusal in plain words,
nothing written. A couple with no bib yet is named by its names (never "couple None"); a star-couple deadline before
2000 is refused (a bare number is not read as 1970); a wrong role reads "an adjudicator device"; the desk's pairing
code is described, not "not in the expected form"."""

from __future__ import annotations

from tests.conftest import enrolled


async def _open_competition(api) -> tuple[dict, dict, dict]:
    """A competition with one event and one couple entered, registration still open (no bib yet)."""
    competition = await api.competition()
    event = await api.event(competition["id"])
    entered = await api.ok(
        "POST", f"/api/events/{event['id']}/entries", 201, json={"leader": "Anna Berg", "follower": "Carl Dahl"}
    )
    return competition, event, entered["entries"][0]


async def test_a_couple_without_a_bib_is_named_by_its_names(api, client):
    competition, _, entry = await _open_competition(api)
    chair = await enrolled(client, "chair", competition_id=competition["id"])
    refused = await api.refused("POST", f"/api/entries/{entry['id']}/withdraw", 409, "entry_id", json={"reason": "ill"})
    assert refused["message"].startswith("the couple Anna Berg / Carl Dahl is not drawn"), refused
    before = await api.head()
    warned = await chair.post(f"/api/entries/{entry['id']}/warn", {"reason": "lift"})
    assert warned.status_code == 409 and await api.head() == before
    assert "None" not in warned.json()["error"]["message"], warned.text
    assert warned.json()["error"]["message"].startswith("the couple Anna Berg / Carl Dahl "), warned.text


async def test_a_star_deadline_before_2000_or_a_bare_number_is_refused(api):
    _, event, _ = await _open_competition(api)
    path = f"/api/events/{event['id']}/star-deadline"
    refused = await api.refused("PUT", path, 422, "deadline", json={"deadline": "1900-01-01T00:00:00Z"})
    assert "in 2000 or later" in refused["message"], refused
    bare = await api.refused("PUT", path, 400, "deadline", json={"deadline": 12})  # strict: not read as 1970
    assert bare["message"] == "deadline must be a date and time or null, not a whole number"
    kept = await api.ok("PUT", path, json={"deadline": "2026-12-05T09:00:00+01:00"})
    assert kept["deadline"] == "2026-12-05T09:00:00+01:00"


async def test_a_wrong_role_and_a_mistyped_pairing_code_read_as_plain_words(api, client):
    competition, _, _ = await _open_competition(api)
    await api.ok("POST", f"/api/competitions/{competition['id']}/adjudicators", 201, json={"name": "Eva Falk"})
    judge = await enrolled(client, "adjudicator", competition_id=competition["id"], judge="A")
    refused = await judge.put("/api/schedule/settings", {"floor_id": 1, "start": "2026-12-05T09:00:00+01:00"})
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == "an adjudicator device may not do this"
    typo = await api.refused("POST", "/api/sync/pair", 400, "code", json={"code": "ABCDE/FGHJK!"})
    assert typo["message"].startswith("code must be the code `floorcraft cloud pair` printed"), typo
