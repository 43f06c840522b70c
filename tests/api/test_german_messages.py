"""Issue 12 point 5: the box's API answers in German and English, on a real server.

A person's browser gets German (its Accept-Language names German, or names neither German nor English: the DTV's
events run in German), and so does a page whose switch set the cookie floorcraft.lang=de; a request with no
Accept-Language (a program: httpx, curl) keeps today's English. Validation, a Conflict from each of the services,
a message with a count and messages that nest other messages (a round's name, a state, a couple) are said in
German; nothing is written and nothing answers 500.
"""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from appliance.trust.client import SignedClient
from tests.server import Server

GERMAN_ASKERS = {
    "Accept-Language: de-DE": {"Accept-Language": "de-DE,de;q=0.9,en;q=0.8"},
    "cookie floorcraft.lang=de": {"Accept-Language": "en-US,en;q=0.9", "Cookie": "floorcraft.lang=de"},
    "a French browser": {"Accept-Language": "fr-FR,fr;q=0.9"},
}


class Desk:
    """One enrolled device of the real server, sending signed requests with the headers a test chooses."""

    def __init__(self, base: str, device: SignedClient):
        self.base, self.device = base, device
        self.http = httpx.Client(base_url=base, timeout=10)

    def send(self, method: str, path: str, body: object = None, headers: dict | None = None) -> httpx.Response:
        raw = isinstance(body, bytes)  # a CSV file as it is, else JSON
        content = body if isinstance(body, bytes) else b"" if body is None else json.dumps(body).encode()
        signed = self.device.sign(method, path, content)
        if body is not None:
            signed["Content-Type"] = "text/csv" if raw else "application/json"
        return self.http.request(method, path, content=content, headers=signed | (headers or {}))

    def ok(self, method: str, path: str, body: object = None) -> dict | list:
        response = self.send(method, path, body)
        assert response.status_code in (200, 201), response.text
        return response.json()


async def _enrol(base: str, url: str) -> SignedClient:
    async with httpx.AsyncClient(base_url=base, timeout=10) as http:
        return await SignedClient.enrol(http, url)


def _small_box(desk: Desk) -> dict:
    """One floor, judges A-C, Adult Standard (Waltz, final of 6) with 7 couples and an 8th scratched: closed."""
    comp = desk.ok(
        "POST",
        "/api/competitions/",
        {"name": "Pokal", "starts_on": "2026-12-05", "ends_on": "2026-12-05", "venue": "Halle", "floors": ["Main"]},
    )
    cid = comp["id"]
    for name in ("Ann Adler", "Bob Berg", "Cid Christ"):
        desk.ok("POST", f"/api/competitions/{cid}/adjudicators", {"name": name, "country": "GER"})
    body = {"name": "Adult Standard", "style": "standard", "dances": ["W"], "final_size": 6}
    event = desk.ok("POST", f"/api/competitions/{cid}/events", body)
    desk.ok("PUT", f"/api/events/{event['id']}/panel", {"letters": ["A", "B", "C"]})
    token = desk.ok("POST", f"/api/competitions/{cid}/registration-links", {"role": "couple"})["token"]
    for i in range(8):
        couple = {"leader": f"Leo Leader{i}", "follower": f"Fay Follower{i}", "events": [event["id"]]}
        desk.ok("POST", f"/api/register/{token}/couple", couple)
    entries = desk.ok("GET", f"/api/competitions/{cid}/entries")
    scratched = entries[-1]
    desk.ok("POST", f"/api/entries/{scratched['id']}/scratch")
    desk.ok("POST", f"/api/competitions/{cid}/close-registration", {"seed": 1})
    first, final = desk.ok("GET", f"/api/events/{event['id']}/plan")["rounds"]
    entries = {e["id"]: e for e in desk.ok("GET", f"/api/competitions/{cid}/entries")}
    entry = next(e for e in entries.values() if e["status"] != "scratched")
    return {
        "cid": cid,
        "first": first["id"],
        "final": final["id"],
        "entry": entry,
        "scratched": entries[scratched["id"]],
    }


@pytest.fixture(scope="module")
def box(tmp_path_factory):
    server = Server(tmp_path_factory.mktemp("german"), demo=False).start()
    try:
        desk = Desk(server.base, asyncio.run(_enrol(server.base, server.first_enrolment_url())))
        made = _small_box(desk)
        enrolment = desk.ok("POST", "/api/enrolments", {"role": "chair", "competition_id": made["cid"]})
        chair = Desk(server.base, asyncio.run(_enrol(server.base, enrolment["url"])))
        yield {"desk": desk, "chair": chair, **made}
        desk.http.close()
        chair.http.close()
    finally:
        server.terminate()


def _cases(box: dict) -> list[tuple]:
    """(who sends, method, path, body, status, English, German)."""
    cid, first, final, entry, scratched = box["cid"], box["first"], box["final"], box["entry"], box["scratched"]
    couple = scratched["couple"]
    assert scratched["status"] == "scratched"
    names = f"{couple['leader']} / {couple['follower']}"
    who_en, who_de = (
        (f"couple {couple['bib']}", f"Paar {couple['bib']}")
        if couple["bib"]
        else (f"the couple {names}", f"das Paar {names}")
    )
    new_event = {"name": "Adult Latin", "style": "latin", "dances": ["C"], "final_size": 6}
    return [
        (  # validation: a rule of the sport in its words
            "desk",
            "POST",
            f"/api/competitions/{cid}/events",
            new_event | {"final_size": 9},
            400,
            "the final must have 6 to 8 couples",
            "die Endrunde muss 6 bis 8 Paare haben",
        ),
        (  # validation: a field this request does not take (its name stays as it is)
            "desk",
            "POST",
            f"/api/competitions/{cid}/events",
            new_event | {"colour": "red"},
            400,
            "colour is not a field this request takes",
            "colour ist kein Feld, das diese Anfrage annimmt",
        ),
        (  # validation: the wrong kind, two words nested
            "desk",
            "POST",
            f"/api/entries/{entry['id']}/star",
            {"round_number": "two"},
            400,
            "round_number must be a whole number, not text",
            "round_number muss eine ganze Zahl sein, nicht Text",
        ),
        (  # services/setup.py
            "desk",
            "POST",
            f"/api/competitions/{cid}/events",
            new_event,
            409,
            "registration is closed; events can no longer be added",
            "die Anmeldung ist geschlossen; es können keine Turniere mehr hinzugefügt werden",
        ),
        (  # services/closing_preview.py
            "desk",
            "GET",
            f"/api/competitions/{cid}/close-registration/preview",
            None,
            409,
            "registration is closed already",
            "die Anmeldung ist bereits geschlossen",
        ),
        (  # services/registration.py
            "desk",
            "POST",
            f"/api/competitions/{cid}/registration-links",
            {"role": "couple"},
            409,
            "registration is closed",
            "die Anmeldung ist geschlossen",
        ),
        (  # services/stars.py: a nested message ("one of ...")
            "desk",
            "POST",
            f"/api/entries/{entry['id']}/star",
            {"round_number": 3},
            422,
            "round_number must be a round after the 1st of the plan: one of 2",
            "round_number muss eine Runde nach der 1. Runde des Plans sein: eine von 2",
        ),
        (  # services/marking.py: the round's name nested ("1st round" -> "1. Runde")
            "desk",
            "POST",
            f"/api/rounds/{first}/sheets/W/judges/Z",
            {"crosses": [1]},
            422,
            "no judge Z on the panel of the 1st round of Adult Standard",
            "kein WR Z im Wertungsgericht der 1. Runde von Adult Standard",
        ),
        (  # services/marking.py: a Conflict naming the final
            "desk",
            "POST",
            f"/api/rounds/{final}/sheets/W/judges/A",
            {"places": {"1": 1}},
            409,
            "the Final has not been drawn yet",
            "die Endrunde ist noch nicht ausgelost",
        ),
        (  # services/results.py
            "chair",
            "POST",
            f"/api/rounds/{final}/sign-off",
            None,
            409,
            "the Final has no result yet",
            "die Endrunde hat noch kein Ergebnis",
        ),
        (  # services/withdrawals.py: the couple named by a nested message
            "desk",
            "POST",
            f"/api/entries/{scratched['id']}/withdraw",
            {"reason": "injury"},
            409,
            f"{who_en} is scratched from Adult Standard: it no longer dances",
            f"{who_de} ist von Adult Standard abgemeldet: es tanzt nicht mehr",
        ),
        (  # services/schedule.py: a count (_n)
            "desk",
            "POST",
            "/api/schedule/move",
            {"round_id": first, "position": 9},
            422,
            "position must be from 1 to 2: the floor has 2 rounds",
            "position muss zwischen 1 und 2 liegen: die Fläche hat 2 Runden",
        ),
    ]


def _head(box: dict) -> int:
    return box["desk"].http.get("/api/health").json()["change_log_head"]


@pytest.mark.parametrize("asker", list(GERMAN_ASKERS))
def test_a_german_reader_is_refused_in_german(box, asker):
    before = _head(box)
    for who, method, path, body, status, _english, german in _cases(box):
        response = box[who].send(method, path, body, GERMAN_ASKERS[asker])
        assert response.status_code == status, (path, response.text)
        assert response.json()["error"]["message"] == german, (asker, path)
    assert _head(box) == before, "a refused request wrote to the change log"


def test_a_program_without_accept_language_keeps_the_english(box):
    for who, method, path, body, status, english, _german in _cases(box):
        response = box[who].send(method, path, body)
        assert response.status_code == status, (path, response.text)
        assert response.json()["error"]["message"] == english, path


def test_an_english_browser_and_the_english_switch_get_english(box):
    who, method, path, body, status, english, _german = _cases(box)[-1]
    for headers in (
        {"Accept-Language": "en-GB,en;q=0.9"},
        {"Accept-Language": "de-DE", "Cookie": "floorcraft.lang=en"},
    ):
        response = box[who].send(method, path, body, headers)
        assert (response.status_code, response.json()["error"]["message"]) == (status, english)


def test_the_frameworks_own_refusal_is_said_in_german_too(box):
    german = box["desk"].send("GET", "/api/no-such-thing", None, GERMAN_ASKERS["a French browser"])
    english = box["desk"].send("GET", "/api/no-such-thing")
    assert (german.status_code, german.json()["error"]["message"]) == (404, "nicht gefunden")
    assert (english.status_code, english.json()["error"]["message"]) == (404, "Not Found")


def test_a_csv_files_row_errors_are_said_in_german(box):
    desk = box["desk"]
    comp = desk.ok(
        "POST",
        "/api/competitions/",
        {"name": "Offen", "starts_on": "2026-12-06", "ends_on": "2026-12-06", "venue": "Halle", "floors": ["Main"]},
    )
    desk.ok("POST", f"/api/competitions/{comp['id']}/events", {"name": "Jugend", "style": "latin", "dances": ["C"]})
    csv = b"leader,follower,club,country,events\nAnna,Ben,,,Senioren\nCarl,,,,Jugend\n"
    path = f"/api/competitions/{comp['id']}/entries/import"
    english = desk.send("POST", path, csv).json()["error"]["details"]
    german = desk.send("POST", path, csv, GERMAN_ASKERS["Accept-Language: de-DE"]).json()["error"]["details"]
    assert [d["message"] for d in english] == ["unknown event 'Senioren'", "follower must not be empty"]
    assert [d["message"] for d in german] == ["unbekanntes Turnier 'Senioren'", "follower darf nicht leer sein"]
