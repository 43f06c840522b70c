"""Found by probing the new PATCH /api/competitions/{id} as an attacker, in German (brief H8): hostile bodies
(wrong types, huge strings, control characters, unknown fields, an end before the start, a date the box cannot
mean), a chair's device, another competition's scrutineer and a replayed request are refused with a 4xx in plain
German words naming the field, and nothing is written."""

from __future__ import annotations

import pytest

from tests.conftest import enrolled

GERMAN = {"Accept-Language": "de-DE,de;q=0.9"}
ENGLISH_LEFT = ("Expected", "must be", "is not", "unknown field", "Object")


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"name": 5}, 400, "name"),
        ({"name": "x" * 10_000}, 400, "name"),
        ({"name": "Cup\u0000\u0007"}, 400, "name"),
        ({"venue": "Hall\u202e"}, 400, "venue"),
        ({"first_bib": True}, 400, "first_bib"),
        ({"first_bib": 1.5}, 400, "first_bib"),
        ({"starts_on": "2026-02-30"}, 400, "starts_on"),
        ({"id": 2}, 400, "id"),
        ({"registration": "open"}, 400, "registration"),
        ({"ends_on": "2026-11-01"}, 422, "ends_on"),
        ({}, 422, None),
        ({"name": None}, 422, None),
    ],
)
async def test_a_hostile_edit_is_refused_in_plain_german_and_writes_nothing(api, body, status, field):
    comp = await api.competition()
    path = f"/api/competitions/{comp['id']}"
    error = await api.refused("PATCH", path, status, field, json=body, headers=GERMAN)
    assert not any(word in error["message"] for word in ENGLISH_LEFT), error
    assert await api.ok("GET", path) == comp


@pytest.mark.parametrize("content", [b"[]", b'"name"', b"{", b"null"])
async def test_a_body_that_is_not_an_object_of_fields_is_refused(api, content):
    comp = await api.competition()
    path = f"/api/competitions/{comp['id']}"
    headers = GERMAN | {"Content-Type": "application/json"}
    response = await api.client.request("PATCH", path, content=content, headers=headers)
    assert 400 <= response.status_code < 500, response.text
    assert await api.ok("GET", path) == comp


async def test_a_chair_and_another_competitions_scrutineer_may_not_edit(api, client):
    comp = await api.competition()
    other = await api.competition(name="Winter Cup")
    path = f"/api/competitions/{comp['id']}"
    chair = await enrolled(client, "chair", competition_id=comp["id"])
    stranger = await enrolled(client, "scrutineer", competition_id=other["id"])
    before = await api.head()
    for device in (chair, stranger):
        refused = await device.request("PATCH", path, {"name": "Hijacked"}, headers=GERMAN)
        assert refused.status_code == 403, refused.text
        assert "darf" in refused.json()["error"]["message"] or "nicht" in refused.json()["error"]["message"]
    assert await api.head() == before and (await api.ok("GET", path))["name"] == comp["name"]


async def test_a_replayed_edit_is_refused_and_writes_nothing(api, client, scrutineer):
    import json

    comp = await api.competition()
    path = f"/api/competitions/{comp['id']}"
    content = json.dumps({"name": "Once"}).encode()
    headers = scrutineer.sign("PATCH", path, content) | {"Content-Type": "application/json"} | GERMAN
    first = await client.request("PATCH", path, content=content, headers=headers)
    assert first.status_code == 200, first.text
    head = await api.head()
    again = await client.request("PATCH", path, content=content, headers=headers)
    assert 400 <= again.status_code < 500, again.text
    assert await api.head() == head


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"starts_on": "0001-01-01"}, "starts_on"),
        ({"ends_on": "9999-12-31"}, "ends_on"),
        ({"ends_on": "2100-01-01"}, "ends_on"),
    ],
)
async def test_a_mistyped_year_is_refused_when_editing_and_creating(api, body, field):
    comp = await api.competition()
    path = f"/api/competitions/{comp['id']}"
    edited = await api.refused("PATCH", path, 422, field, json=body, headers=GERMAN)
    assert "zwischen 2000 und 2099" in edited["message"], edited
    new = {"name": "Cup", "starts_on": "2026-12-05", "ends_on": "2026-12-06", "venue": "Hall"} | body
    if field == "starts_on":
        new["ends_on"] = new["starts_on"]
    created = await api.refused("POST", "/api/competitions/", 422, field, json=new)
    assert "in 2000 to 2099" in created["message"], created
    assert await api.ok("GET", path) == comp


# The CLI under LANG=de_DE.UTF-8 (in-process: argparse and the settings refuse before anything is opened).
GERMAN_CLI = [
    (["--bogus"], "floorcraft: es fehlt der Befehl: einer von serve, demo, "),
    (["enrol", "--role", "king"], "floorcraft: enrol: --role: 'king' ist nicht möglich (möglich: 'scrutineer', "),
    (["print", "marks", "--event"], "floorcraft: print: --event: hier fehlt der Wert (siehe floorcraft print --help)"),
    (["serve", "--port", "1"], "floorcraft: unbekannte Angaben: --port 1 (siehe floorcraft --help)"),
]


@pytest.mark.parametrize(("argv", "line"), GERMAN_CLI)
def test_argparse_refusals_are_one_german_line_with_exit_2(monkeypatch, capsys, argv, line):
    from appliance.__main__ import main

    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    err = capsys.readouterr().err
    assert stopped.value.code == 2 and err.startswith(line) and err.count("\n") == 1, err
    assert not any(word in err for word in ("argument", "required", "invalid choice", "unrecognized", "(see ")), err


def test_argparse_refusals_stay_english_in_the_c_locale(monkeypatch, capsys):
    from appliance.__main__ import main

    monkeypatch.setenv("LANG", "C")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    with pytest.raises(SystemExit):
        main(["enrol", "--role", "king"])
    assert capsys.readouterr().err.startswith("floorcraft: enrol: argument --role: invalid choice: 'king' (choose from")


@pytest.mark.parametrize(
    ("variable", "value", "german"),
    [
        ("FLOORCRAFT_PORT", "abc", "falscher Wert für FLOORCRAFT_PORT: muss eine ganze Zahl sein, nicht Text"),
        ("FLOORCRAFT_PORT", "70000", "falscher Wert für FLOORCRAFT_PORT: muss höchstens 65535 sein"),
        ("FLOORCRAFT_LOG_LEVEL", "loud", "(debug, info, warning, error)"),
    ],
)
def test_a_bad_setting_is_said_in_german_through_and_through(monkeypatch, variable, value, german):
    from appliance.cli.terminal import reason, said
    from appliance.settings import SettingsError, load_settings

    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    with pytest.raises(SettingsError) as refused:
        load_settings({variable: value})
    text = said(reason(refused.value))
    assert german in text and "must" not in text and "may not" not in text, text
