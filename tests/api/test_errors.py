"""One JSON error shape for every error, and the OpenAPI 3.1 description at /api/schema (JSON only)."""

from __future__ import annotations


async def test_unknown_paths_and_methods_answer_in_the_error_shape(client):
    response = await client.get("/api/nothing-here")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    response = await client.delete("/api/competitions/")
    assert response.status_code == 405 and response.json()["error"]["code"] == "method_not_allowed"


async def test_an_oversized_body_is_refused(api):
    await api.refused("POST", "/api/competitions/", 413, None, content=b"x" * (3 * 1024 * 1024),
                      headers={"content-type": "application/json"})


async def test_the_openapi_description_is_json_3_1_and_covers_every_endpoint(client):
    response = await client.get("/api/schema")
    assert response.status_code == 200 and "json" in response.headers["content-type"]
    schema = response.json()
    assert schema["openapi"].startswith("3.1")
    paths = set(schema["paths"])
    assert {"/api/competitions", "/api/competitions/{competition_id}/events", "/api/events/{event_id}/panel",
            "/api/register/{token}/couple", "/api/competitions/{competition_id}/close-registration",
            "/api/floors/{floor_id}/next", "/api/competitions/{competition_id}/entries/import"} <= paths
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
