"""A live stream for a floor that does not exist is refused (404, in plain words), not an empty stream forever.

The same for a box that hands its viewers to fan-out workers (the server admits, before any hand-over) and one
that serves them itself; a floor that exists still streams. A real `floorcraft serve` with the demo.
"""

from __future__ import annotations

import httpx
import pytest

from tests.server import Server


@pytest.fixture(scope="module", params=["2", "0"], ids=["workers", "in-process"])
def box(request, tmp_path_factory):
    env = {"FLOORCRAFT_LIVE_WORKERS": request.param}
    running = Server(tmp_path_factory.mktemp(f"floor{request.param}"), demo=True, env=env).start()
    yield running
    running.kill()


def test_an_unknown_floor_is_404_in_plain_words_and_a_known_one_streams(box):
    with httpx.Client(base_url=box.base, timeout=30) as http:
        missing = http.get("/api/live", params={"floor": 999})
        assert missing.status_code == 404
        assert missing.json()["error"] == {
            "status": 404,
            "code": "not_found",
            "message": "no floor 999",
            "field": "floor",
        }
        german = http.get("/api/live", params={"floor": 999}, headers={"Accept-Language": "de"})
        assert german.status_code == 404 and german.json()["error"]["message"] == "keine Fläche 999"
        with http.stream("GET", "/api/live", params={"floor": 1}) as stream:
            assert stream.status_code == 200
            assert b"event: state" in next(stream.iter_bytes())
