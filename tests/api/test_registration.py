"""Registration over the API: links with QR codes, the public form, entries, edits, scratches and CSV import."""

from __future__ import annotations

import datetime as dt

import pytest


@pytest.fixture
async def setup_(api):
    comp = await api.competition()
    standard = await api.event(comp["id"])
    latin = await api.event(comp["id"], name="Adult Latin", style="latin", dances=["C", "S", "R"])
    link = await api.link(comp["id"])
    return comp, standard, latin, link


async def test_a_link_carries_its_url_and_a_qr_code(api, setup_):
    comp, _, _, link = setup_
    assert link["url"] == f"http://127.0.0.1:8000/register/#{link['token']}"
    assert link["qr_svg"].startswith("<svg") and "<path" in link["qr_svg"]
    assert [x["token"] for x in await api.ok("GET", f"/api/competitions/{comp['id']}/registration-links")] == [
        link["token"]
    ]
    await api.refused("POST", f"/api/competitions/{comp['id']}/registration-links", 400, "role", json={"role": "x"})
    await api.refused(
        "POST",
        f"/api/competitions/{comp['id']}/registration-links",
        422,
        "closes_at",
        json={"role": "couple", "closes_at": "2026-12-01T10:00:00"},
    )
    await api.refused("GET", "/api/competitions/5/registration-links", 404, "competition_id")


async def test_the_public_form_lists_the_events(api, setup_):
    _, standard, latin, link = setup_
    form = await api.ok("GET", f"/api/register/{link['token']}")
    assert form["role"] == "couple" and form["competition"] == "Spring Cup"
    assert [e["id"] for e in form["events"]] == [standard["id"], latin["id"]]
    await api.refused("GET", "/api/register/not-a-token", 404, "token")


async def test_a_couple_registers_for_events_and_cannot_enter_one_twice(api, setup_):
    comp, standard, latin, link = setup_
    receipt = await api.register(link["token"], "Anna Adler", "Ben Berger", [standard["id"], latin["id"]])
    assert [e["event"] for e in receipt["entries"]] == ["Adult Standard", "Adult Latin"]
    error = await api.refused(
        "POST",
        f"/api/register/{link['token']}/couple",
        409,
        "events",
        json={"leader": "anna  ADLER", "follower": "Ben Berger", "events": [standard["id"]]},
    )
    assert "already entered in Adult Standard" in error["message"]
    entries = await api.ok("GET", f"/api/competitions/{comp['id']}/entries")
    assert len(entries) == 2 and entries[0]["couple"]["bib"] is None


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"leader": "", "follower": "B", "events": [1]}, 400, "leader"),
        ({"leader": "A" * 81, "follower": "B", "events": [1]}, 400, "leader"),
        ({"leader": "A", "follower": "B", "events": []}, 400, "events"),
        ({"leader": "A", "follower": "B", "events": [99]}, 422, "events"),
        ({"leader": "A", "follower": "B", "events": [1, 1]}, 422, "events"),
        ({"leader": "A", "follower": "B", "events": [1], "country": "Deutschland"}, 400, "country"),
        ({"leader": "A", "follower": "B", "events": [1], "admin": True}, 400, "admin"),
    ],
)
async def test_bad_registrations_are_refused(api, setup_, body, status, field):
    _, _, _, link = setup_
    await api.refused("POST", f"/api/register/{link['token']}/couple", status, field, json=body)


async def test_an_adjudicator_registers_through_an_adjudicator_link(api, setup_):
    comp, _, _, couple_link = setup_
    link = await api.link(comp["id"], "adjudicator")
    judge = await api.ok(
        "POST", f"/api/register/{link['token']}/adjudicator", 201, json={"name": "Giulia Conti", "country": "ITA"}
    )
    assert judge["letter"] == "A"
    await api.refused(
        "POST", f"/api/register/{couple_link['token']}/adjudicator", 422, "token", json={"name": "Someone"}
    )
    await api.refused(
        "POST",
        f"/api/register/{link['token']}/couple",
        422,
        "token",
        json={"leader": "A", "follower": "B", "events": [1]},
    )


async def test_an_expired_link_is_gone(api, setup_):
    comp, standard, _, _ = setup_
    past = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)).isoformat()
    link = await api.link(comp["id"], closes_at=past)
    await api.refused("GET", f"/api/register/{link['token']}", 410, "token")
    await api.refused(
        "POST",
        f"/api/register/{link['token']}/couple",
        410,
        "token",
        json={"leader": "A", "follower": "B", "events": [standard["id"]]},
    )


async def test_the_scrutineer_edits_a_couple_and_scratches_an_entry(api, setup_):
    _, standard, _, link = setup_
    receipt = await api.register(link["token"], "Anna Adler", "Ben Berger", [standard["id"]])
    other = await api.register(link["token"], "Clara Costa", "David Dubois", [standard["id"]])
    couple_id = receipt["couple"]["id"]
    edited = await api.ok("PATCH", f"/api/couples/{couple_id}", json={"club": "TSC Blau-Gold", "country": "GER"})
    assert (edited["club"], edited["leader"]) == ("TSC Blau-Gold", "Anna Adler")
    await api.refused(
        "PATCH", f"/api/couples/{couple_id}", 409, "leader", json={"leader": "Clara Costa", "follower": "David Dubois"}
    )
    await api.refused("PATCH", "/api/couples/999", 404, "couple_id", json={"club": "X"})
    await api.refused("PATCH", f"/api/couples/{couple_id}", 400, "club", json={"club": "x" * 81})
    entry_id = other["entries"][0]["id"]
    scratched = await api.ok("POST", f"/api/entries/{entry_id}/scratch")
    assert scratched["status"] == "scratched"
    await api.refused("POST", f"/api/entries/{entry_id}/scratch", 409, "entry_id")
    await api.refused("POST", "/api/entries/999/scratch", 404, "entry_id")


async def test_the_scrutineer_enters_a_couple_directly(api, setup_):
    _, standard, _, _ = setup_
    receipt = await api.ok(
        "POST",
        f"/api/events/{standard['id']}/entries",
        201,
        json={"leader": "Eva Eriksen", "follower": "Felix Fischer"},
    )
    assert receipt["entries"][0]["late"] is False
    await api.refused(
        "POST",
        f"/api/events/{standard['id']}/entries",
        409,
        "events",
        json={"leader": "Eva Eriksen", "follower": "Felix Fischer"},
    )
    await api.refused("POST", "/api/events/999/entries", 404, "event_id", json={"leader": "A", "follower": "B"})


CSV = (
    "leader,follower,club,country,events\n"
    "Anna Adler,Ben Berger,TSC,GER,Adult Standard;Adult Latin\n"
    "Clara Costa,David Dubois,,FRA,Adult Standard\n"
)


async def test_a_clean_csv_file_imports_every_row(api, setup_):
    comp, _, _, _ = setup_
    report = await api.ok("POST", f"/api/competitions/{comp['id']}/entries/import", content=CSV.encode())
    assert report == {"rows": 2, "imported": 2, "skipped": 0, "errors": []}
    assert len(await api.ok("GET", f"/api/competitions/{comp['id']}/entries")) == 3


async def test_a_csv_file_with_errors_writes_nothing_and_reports_every_row(api, setup_):
    comp, _, _, _ = setup_
    bad = CSV + ",No Leader,,,Adult Standard\nEva,Felix,,,Ballroom Blitz\nAnna Adler,Ben Berger,,,Adult Standard\n"
    error = await api.refused(
        "POST", f"/api/competitions/{comp['id']}/entries/import", 422, "file", content=bad.encode()
    )
    assert [(d["row"], d["field"]) for d in error["details"]] == [(4, "leader"), (5, "events"), (6, "events")]
    assert "Ballroom Blitz" in error["details"][1]["message"]
    report = await api.ok(
        "POST", f"/api/competitions/{comp['id']}/entries/import?skip_invalid=true", content=bad.encode()
    )
    assert (report["imported"], report["skipped"], len(report["errors"])) == (2, 3, 3)


async def test_a_csv_with_mac_line_endings_imports_every_row(api, setup_):
    """Excel for Mac's "CSV (Macintosh)" ends lines with a bare CR: it was refused as one unreadable row."""
    comp, _, _, _ = setup_
    report = await api.ok(
        "POST", f"/api/competitions/{comp['id']}/entries/import", content=CSV.replace("\n", "\r").encode()
    )
    assert report == {"rows": 2, "imported": 2, "skipped": 0, "errors": []}


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        ("leader,leader,follower,events\nAnna,Ben,Clara,Adult Standard\n", "file", "'leader' twice"),
        (CSV.splitlines()[0] + "\nAnna,Ben,,,Adult Standard,Eva,Felix\n", "row", "2 more fields than the header"),
        (CSV.splitlines()[0] + "\nAnna,Ben,,,Adult Standard;adult standard\n", "events", "an event is listed twice"),
    ],
    ids=["column-twice", "fields-past-the-header", "event-twice"],
)
async def test_a_csv_that_would_be_misread_is_refused_naming_why(api, setup_, text, field, words):
    """A column named twice (the last won: Clara became the leader), fields past the header (dropped) and an
    event listed twice in a row (answered "already entered") were taken or misreported."""
    comp, _, _, _ = setup_
    error = await api.refused(
        "POST", f"/api/competitions/{comp['id']}/entries/import", 422, "file", content=text.encode()
    )
    found = error["details"][0] if error.get("details") else {"field": "file", "message": error["message"]}
    assert found["field"] == field and words in found["message"], error


async def test_a_csv_without_the_needed_columns_or_not_utf8_is_refused(api, setup_):
    comp, _, _, _ = setup_
    await api.refused(
        "POST", f"/api/competitions/{comp['id']}/entries/import", 422, "file", content=b"name,partner\nA,B\n"
    )
    await api.refused(
        "POST",
        f"/api/competitions/{comp['id']}/entries/import",
        422,
        "file",
        content="leader,follower,events\nJos\xe9,B,X\n".encode("latin-1"),
    )
