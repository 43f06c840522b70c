"""One JSON error shape for every error, and the OpenAPI 3.1 description at /api/schema (JSON only)."""

from __future__ import annotations

import httpx
import pytest

from appliance.trust.client import SignedClient
from tests.server import Server


async def test_unknown_paths_and_methods_answer_in_the_error_shape(client):
    response = await client.get("/api/nothing-here")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    response = await client.delete("/api/competitions/")
    assert response.status_code == 405 and response.json()["error"]["code"] == "method_not_allowed"


async def test_an_oversized_body_is_refused(api):
    await api.refused(
        "POST",
        "/api/competitions/",
        413,
        None,
        content=b"x" * (3 * 1024 * 1024),
        headers={"content-type": "application/json"},
    )


async def test_the_openapi_description_is_json_3_1_and_covers_every_endpoint(client):
    response = await client.get("/api/schema")
    assert response.status_code == 200 and "json" in response.headers["content-type"]
    schema = response.json()
    assert schema["openapi"].startswith("3.1")
    paths = set(schema["paths"])
    assert {
        "/api/competitions",
        "/api/competitions/{competition_id}/events",
        "/api/events/{event_id}/panel",
        "/api/register/{token}/couple",
        "/api/competitions/{competition_id}/close-registration",
        "/api/floors/{floor_id}/next",
        "/api/competitions/{competition_id}/entries/import",
    } <= paths
    body = schema["components"]["schemas"]["CompetitionIn"]
    assert body["properties"]["name"]["maxLength"] == 120
    for ui in ("/api/schema/swagger", "/api/schema/redoc", "/api/schema/elements"):
        assert (await client.get(ui)).status_code == 404  # the CDN-loaded UIs are off


async def test_the_registration_page_is_served(client):
    response = await client.get("/register/")
    assert response.status_code == 200 and "register.js" in response.text
    assert (await client.get("/register/register.js")).status_code == 200


async def test_ids_out_of_range_are_refused_before_they_reach_the_database(api):
    await api.refused("GET", "/api/competitions/99999999999999999999999", 400, "competition_id")
    await api.refused("GET", "/api/events/0", 400, "event_id")
    await api.refused("POST", "/api/floors/-3/next", 400, "floor_id")
    await api.refused("GET", "/api/register/" + "t" * 65, 400, "token")


async def test_a_request_for_another_name_is_refused_against_dns_rebinding(client):
    response = await client.get("/api/health", headers={"Host": "evil.example.com"})
    assert response.status_code == 400 and response.json()["error"]["field"] == "Host"
    for host in ("127.0.0.1:8000", "192.168.4.1", "[::1]:80", "localhost:8000", "testserver.local"):
        assert (await client.get("/api/health", headers={"Host": host})).status_code == 200, host


# Issue #9 point 7: no 500, whatever the input; names cleaned; plain words; bounds; the OpenAPI document.

DEEP = b"[" * 5000 + b"]" * 5000


async def test_json_nested_5000_deep_is_refused_in_plain_words_even_unsigned(api, client):
    response = await client.post("/api/enrol", content=DEEP, headers={"content-type": "application/json"})
    assert response.status_code == 400, response.text
    assert "nested too deeply" in response.json()["error"]["message"]
    await api.refused(
        "POST",
        "/api/competitions/",
        400,
        None,
        content=b'{"name":' + DEEP + b"}",
        headers={"content-type": "application/json"},
    )


UNREADABLE = {  # body -> the plain words that must start the message
    "empty": (b"", "the request body is empty"),
    "spaces": (b"  ", "the request body is not valid JSON"),
    "truncated": (b'{"enrolment_id":', "the request body is not valid JSON"),
    "nan": (b'{"enrolment_id":NaN}', "the request body is not valid JSON"),
    "1e309": (b'{"enrolment_id":1e309}', "the request body holds a number too large"),
    "bare-1e309": (b"1e309", "the request body holds a number too large"),
    "not-utf8": (b'{"enrolment_id":"\xff"}', "the request body is not UTF-8 text"),
}


@pytest.mark.parametrize(("body", "words"), UNREADABLE.values(), ids=UNREADABLE.keys())
async def test_an_unreadable_json_body_is_refused_in_plain_words(api, client, body, words):
    """Not msgspec's "'data'", "Input data was truncated" or "Number out of range - at `$[...]`"."""
    response = await client.post("/api/enrol", content=body, headers={"content-type": "application/json"})
    error = response.json()["error"]
    assert (response.status_code, error["code"]) == (400, "invalid"), response.text
    assert error["message"].startswith(words) and "`" not in error["message"], error
    error = await api.refused(
        "POST", "/api/competitions/", 400, None, content=body, headers={"content-type": "application/json"}
    )
    assert error["code"] == "invalid" and error["message"].startswith(words), error


BIG_FIELD = "x" * 131_073


async def test_a_csv_field_over_the_csv_modules_limit_is_refused_naming_the_row(api):
    comp = await api.competition()
    await api.event(comp["id"])
    text = f"leader,follower,club,country,events\nAnna,Ben,,,Adult Standard\nCarl,Dora,{BIG_FIELD},,Adult Standard\n"
    error = await api.refused(
        "POST", f"/api/competitions/{comp['id']}/entries/import", 400, "file", content=text.encode()
    )
    assert "row 3" in error["message"] and "too long" in error["message"]
    assert error["details"][0]["row"] == 3
    header = f"leader,follower,events,{BIG_FIELD}\n"
    error = await api.refused(
        "POST", f"/api/competitions/{comp['id']}/entries/import", 400, "file", content=header.encode()
    )
    assert "row 1" in error["message"]


BASE = {"name": "Cup", "starts_on": "2026-12-05", "ends_on": "2026-12-05", "venue": "Hall"}
BAD_NAMES = {
    "empty": "",
    "spaces": "   ",
    "zero-width": "\u200b\u200c\u200d\u2060\ufeff",
    "nul": "Anna\x00",
    "cr": "An\rna",
    "lf": "Anna\n",
    "tab": "An\tna",
    "bell": "\x07",
    "c1": "Anna\x85",
    "blank-looking": "\u2800\u3164\u115f\uffa0",  # Braille blank, Hangul fillers: letters that show nothing
    "format-only": "\u180e\u00ad\u034f\u200e",  # Mongolian separator, soft hyphen, grapheme joiner, LRM
    "bidi-override": "\u202eevil",  # shows as "live" on the hall screen
    "bidi-isolate": "Anna\u2066",
}


@pytest.mark.parametrize("bad", BAD_NAMES.values(), ids=BAD_NAMES.keys())
async def test_names_that_are_blank_or_hold_control_characters_are_refused_naming_the_field(api, bad):
    comp = await api.competition()
    await api.event(comp["id"])
    refusals = [
        ("POST", "/api/competitions/", {**BASE, "name": bad}, "name"),
        ("POST", "/api/competitions/", {**BASE, "venue": bad}, "venue"),
        ("POST", "/api/competitions/", {**BASE, "floors": ["Main", bad]}, "floors[1]"),
        ("POST", f"/api/competitions/{comp['id']}/events", {"name": bad, "style": "latin", "dances": ["C"]}, "name"),
        (
            "POST",
            f"/api/competitions/{comp['id']}/events",
            {"name": "Latin", "style": "latin", "dances": ["C"], "level": bad},
            "level",
        ),
        ("POST", f"/api/competitions/{comp['id']}/adjudicators", {"name": bad}, "name"),
        ("POST", f"/api/events/{comp['id']}/entries", {"leader": bad, "follower": "Ben"}, "leader"),
        ("POST", f"/api/events/{comp['id']}/entries", {"leader": "Anna", "follower": bad}, "follower"),
    ]
    for method, path, body, field in refusals:
        error = await api.refused(method, path, 400, field, json=body)
        assert field in error["message"] and "`" not in error["message"], error


async def test_control_characters_are_refused_in_a_club_and_in_coded_fields_too(api):
    comp = await api.competition()
    event = await api.event(comp["id"])
    await api.refused(
        "POST",
        f"/api/events/{event['id']}/entries",
        400,
        "club",
        json={"leader": "Anna", "follower": "Ben", "club": "TSC\r\n"},
    )
    await api.refused(
        "POST", f"/api/competitions/{comp['id']}/adjudicators", 400, "letter", json={"name": "Holt", "letter": "A\n"}
    )  # `$` in a pattern lets a final newline through
    await api.refused(
        "POST",
        f"/api/competitions/{comp['id']}/events",
        400,
        "dances[0]",
        json={"name": "Salsa", "style": "other", "dances": ["Salsa\n"]},
    )


async def test_names_are_trimmed_and_nfc_normalised(api):
    comp = await api.competition(name="  Cafe\u0301 Cup\u200b ", venue="\ufeffTown Hall ", floors=[" Main floor "])
    assert (comp["name"], comp["venue"], comp["floors"][0]["name"]) == ("Caf\u00e9 Cup", "Town Hall", "Main floor")
    event = await api.event(comp["id"], floor="Main floor\u00a0")
    entry = await api.ok(
        "POST",
        f"/api/events/{event['id']}/entries",
        201,
        json={"leader": " Zo\u0308e ", "follower": "Ben\u2060", "club": "\u200b"},
    )
    assert (entry["couple"]["leader"], entry["couple"]["follower"], entry["couple"]["club"]) == ("Z\u00f6e", "Ben", "")


async def test_a_csv_import_cleans_and_refuses_names_the_same_way(api):
    comp = await api.competition()
    await api.event(comp["id"])
    text = (
        "leader,follower,club,country,events\n\u200b,Ben,,,Adult Standard\n"
        '"Anna\nMaria",Ben,,,Adult Standard\nZo\u0308e,Ben,,,Adult Standard\n'
    )
    error = await api.refused(
        "POST", f"/api/competitions/{comp['id']}/entries/import", 422, "file", content=text.encode()
    )
    assert [(d["row"], d["field"]) for d in error["details"]] == [(2, "leader"), (4, "leader")]
    assert all("`" not in d["message"] and d["message"].startswith("leader") for d in error["details"])
    report = await api.ok(
        "POST", f"/api/competitions/{comp['id']}/entries/import?skip_invalid=true", content=text.encode()
    )
    assert report["imported"] == 1
    entries = await api.ok("GET", f"/api/competitions/{comp['id']}/entries")
    assert [e["couple"]["leader"] for e in entries] == ["Z\u00f6e"]


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({**BASE, "first_bib": 99999}, "first_bib", "the first bib must be a number from 1 to 9000"),
        ({**BASE, "first_bib": "one"}, "first_bib", "the first bib must be a number from 1 to 9000"),
        ({**BASE, "name": "x" * 121}, "name", "name must have at most 120 characters"),
        ({**BASE, "floors": []}, "floors", "floors must not be empty"),
        ({**BASE, "starts_on": "5th"}, "starts_on", "starts_on must be a date such as 2026-12-05"),
        ({k: v for k, v in BASE.items() if k != "venue"}, "venue", "venue is required"),
        ({**BASE, "colour": "red"}, "colour", "colour is not a field this request takes"),
        ([1, 2], None, "the request body must be an object ({...}), not a list"),
    ],
)
async def test_validation_messages_are_plain_words_not_validator_jargon(api, body, field, words):
    error = await api.refused("POST", "/api/competitions/", 400, field, json=body)
    assert error["message"] == words


async def test_query_parameters_keep_their_declared_bounds(client):
    for floor in ("1099511627776", "0", "-1", "x"):
        response = await client.get(f"/api/live/state?floor={floor}")
        assert response.status_code == 400 and response.json()["error"]["field"] == "floor", (floor, response.text)
    in_bounds = await client.get("/api/live/state?floor=1")  # read, then refused: this box has no floor yet
    assert in_bounds.status_code == 404 and in_bounds.json()["error"]["message"] == "no floor 1"


async def test_every_integer_parameter_in_the_document_is_bounded(client):
    schema = (await client.get("/api/schema")).json()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            for parameter in operation.get("parameters", []):
                found = parameter["schema"]
                options = found.get("oneOf", [found])
                for option in options:
                    if option.get("type") == "integer":
                        bounds = option | found
                        assert "minimum" in bounds and "maximum" in bounds, (method, path, parameter["name"])


async def test_the_document_describes_the_error_shape_and_every_status_a_route_answers(client):
    schema = (await client.get("/api/schema")).json()
    detail = schema["components"]["schemas"]["ErrorDetail"]
    assert set(detail["required"]) == {"status", "code", "message", "field"} and "details" in detail["properties"]
    assert schema["components"]["schemas"]["Error"]["required"] == ["error"]
    error_ref = {"$ref": "#/components/schemas/Error"}
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            answers = operation["responses"]
            assert {"400", "429", "503"} <= set(answers), (method, path)
            for status, answer in answers.items():
                if status >= "400":
                    assert answer["content"]["application/json"]["schema"] == error_ref, (method, path, status)
            if operation.get("security"):
                assert {"401", "403", "404"} <= set(answers), (method, path)
            if method != "get":
                assert {"409", "413", "415", "422"} <= set(answers), (method, path)
    imports = schema["paths"]["/api/competitions/{competition_id}/entries/import"]["post"]
    assert "text/csv" in imports["requestBody"]["content"]
    assert schema["paths"]["/api/rounds/{round_id}/sign-off"]["post"]["security"] == [{"signedRequest": ["chair"]}]


# On the wire (real uvicorn): header bytes, raw paths and the live stream as a browser sends them.


@pytest.fixture(scope="module")
def box(tmp_path_factory):
    server = Server(tmp_path_factory.mktemp("errors"), demo=False).start()
    yield server
    server.kill()


async def test_a_non_ascii_digit_in_x_counter_is_refused_not_a_500(box):
    async with httpx.AsyncClient(base_url=box.base, timeout=10) as http:
        desk = await SignedClient.enrol(http, box.first_enrolment_url())
        for counter in ("\u00b2".encode("latin-1"), "\u00b9\u00b2".encode("latin-1"), "\u0661\u0662".encode()):
            headers = desk.sign("GET", "/api/competitions", b"")
            response = await http.get("/api/competitions", headers={**headers, "X-Counter": counter})
            assert response.status_code == 401, (counter, response.text)
            assert response.json()["error"]["field"] == "X-Counter"
        assert (await desk.get("/api/competitions")).status_code == 200  # the device still works


@pytest.mark.parametrize(
    "path",
    [
        "/lib/importmap.json/x",
        "/desk/index.html%00.js",
        "/desk/%00",
        "/" + "a" * 300,
        "/lib/importmap.json/../importmap.json/y",
    ],
)
async def test_static_paths_that_name_no_file_are_404_not_500(box, path):
    async with httpx.AsyncClient(base_url=box.base, timeout=10) as http:
        response = await http.get(path)
        assert response.status_code == 404, response.text
        assert response.json()["error"]["code"] == "not_found"


LAST_EVENT_IDS = [b"abc", b"-1", b"9" * 30, "\u00b2".encode("latin-1"), "\u0661\u0662".encode(), b"1.5", b""]
LAST_EVENT_IDS += [b"999999999"]  # well formed but beyond the head (a log restored from a backup): got no state


@pytest.mark.parametrize("value", LAST_EVENT_IDS, ids=range(len(LAST_EVENT_IDS)))
async def test_a_malformed_last_event_id_is_ignored_and_the_stream_starts_with_the_state(box, value):
    async with httpx.AsyncClient(base_url=box.base, timeout=10) as http:
        for headers, query in (({"Last-Event-ID": value}, ""), ({}, "?last_event_id=" + value.decode("latin-1"))):
            async with http.stream("GET", "/api/live" + query, headers=headers) as response:
                assert response.status_code == 200
                seen = b""
                async for chunk in response.aiter_bytes():
                    seen += chunk
                    if b"event: state" in seen or len(seen) > 100_000:
                        break
                assert b"event: state" in seen


async def test_a_malformed_floor_on_the_live_stream_is_400(box):
    async with httpx.AsyncClient(base_url=box.base, timeout=10) as http:
        for floor in ("\u00b2", "0", "1099511627776", "x"):
            response = await http.get("/api/live", params={"floor": floor})
            assert response.status_code == 400 and response.json()["error"]["field"] == "floor", floor


HEAD_PATHS = ["/", "/desk/", "/api/health", "/api/live/state", "/api/public/results", "/api/schema"]


async def test_head_is_answered_like_get_without_a_body(box):
    """RFC 9110: a server MUST support HEAD wherever it supports GET; the API and "/" answered 405."""
    async with httpx.AsyncClient(base_url=box.base, timeout=10) as http:
        for path in HEAD_PATHS:
            got, head = await http.get(path), await http.head(path)
            assert (head.status_code, head.content) == (got.status_code, b""), path
            assert head.headers["content-type"] == got.headers["content-type"], path
            assert "frame-ancestors 'none'" in head.headers["content-security-policy"], path
        live = await http.head("/api/live")  # the stream's headers, and the answer ends: no viewer is held
        assert (live.status_code, live.headers["content-type"], live.content) == (200, "text/event-stream", b"")


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
async def test_the_live_stream_takes_get_only(box, method):
    """Any method opened a stream (a POST's body was never read)."""
    async with httpx.AsyncClient(base_url=box.base, timeout=10) as http:
        response = await http.request(method, "/api/live", content=b"{}")
        assert response.status_code == 405 and response.headers["allow"] == "GET, HEAD", response.text
        assert response.json()["error"]["code"] == "method_not_allowed"


async def test_a_path_under_the_document_that_names_none_is_404_in_the_error_shape(client):
    """Litestar answered /api/schema/x with an HTML page of its own."""
    for path in ("/api/schema/x", "/api/schema/swagger", "/api/schema/openapi.yaml", "/api/schema/%2e%2e"):
        response = await client.get(path)
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found", path
        assert "content-security-policy" in response.headers
    for path in ("/api/schema", "/api/schema/", "/api/schema/openapi.json"):
        assert (await client.get(path)).json()["openapi"].startswith("3.1"), path
