"""The results page's stream: `/api/live?only=results` carries the results and nothing else; a stream for a floor
that does not exist is refused (404, in plain words), not an empty stream forever.

A phone on the results page (web/results) shows results only, so it asks for them alone: one frame per result,
not one per judge's sheet and floor move, which is most of what the crowd's phones cost the box (issue 13). The
display and the desk follow every kind, as before. Through a fan-out worker and in the server itself; a resume
with Last-Event-ID gets the missed results only; a bad `only` is a plain 400. A real `floorcraft serve` with the
demo competition.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest

from appliance.trust.client import SignedClient
from tests.server import Server

WAIT = 30.0  # seconds any one wait may take at most (a bound, not a pace)


@pytest.fixture(scope="module", params=["2", "0"], ids=["workers", "in-process"])
def box(request, tmp_path_factory):
    env = {"FLOORCRAFT_LIVE_WORKERS": request.param}
    running = Server(tmp_path_factory.mktemp(f"only{request.param}"), demo=True, env=env).start()
    yield running
    running.kill()


class Frames:
    """One stream's frames as (id, event), read until a wanted event (bounded in time)."""

    def __init__(self, http: httpx.AsyncClient, query: str, last_event_id: int | None = None):
        headers = {} if last_event_id is None else {"Last-Event-ID": str(last_event_id)}
        self.context = http.stream("GET", f"/api/live{query}", headers=headers)
        self.seen: list[tuple[int, str]] = []

    async def __aenter__(self) -> Frames:
        self.response = await self.context.__aenter__()
        assert self.response.status_code == 200
        self.lines = self.response.aiter_lines()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.context.__aexit__(*exc)

    async def until(self, event: str) -> list[tuple[int, str]]:
        frame: dict[str, str] = {}
        async with asyncio.timeout(WAIT):
            async for line in self.lines:
                if line == "" and "id" in frame:
                    self.seen.append((int(frame["id"]), frame["event"]))
                    if frame["event"] == event:
                        return self.seen
                    frame = {}
                elif line and not line.startswith(":"):
                    key, _, value = line.partition(":")
                    frame[key] = value.strip()
        return self.seen


async def test_the_results_stream_carries_results_only_live_and_on_resume(box):
    async with httpx.AsyncClient(base_url=box.base, timeout=WAIT) as http:
        desk = await SignedClient.enrol(http, box.first_enrolment_url())
        competition = (await desk.get("/api/competitions/")).json()[0]
        entry = (await desk.get(f"/api/competitions/{competition['id']}/entries")).json()[0]
        async with Frames(http, "?only=results") as phone, Frames(http, "") as display:
            state = (await phone.until("state"))[0][0]
            await display.until("state")
            for move in ("start", "next"):
                assert (await desk.post(f"/api/floors/1/{move}")).status_code == 200
            withdrawn = await desk.post(f"/api/entries/{entry['id']}/withdraw", {"reason": "injury"})
            assert withdrawn.status_code == 200, withdrawn.text
            got = [event for _, event in await phone.until("couple.withdrawn")]
            everything = [event for _, event in await display.until("couple.withdrawn")]
        assert got == ["state", "couple.withdrawn"]
        assert everything[0] == "state" and everything[-1] == "couple.withdrawn"
        assert {"floor.start", "floor.next"} <= set(everything)
        async with Frames(http, "?only=results", last_event_id=state) as resumed:  # what it missed: results only
            assert [event for _, event in await resumed.until("couple.withdrawn")] == ["couple.withdrawn"]


async def test_a_bad_only_is_refused_in_plain_words(box):
    async with httpx.AsyncClient(base_url=box.base, timeout=WAIT) as http:
        for language, words in (
            ("en", "only must be results (or left out: every kind of event)"),
            ("de", "only muss results sein (oder weggelassen: jede Art von Ereignis)"),
        ):
            answer = await http.get("/api/live?only=sheets", headers={"Accept-Language": language})
            assert answer.status_code == 400
            assert answer.json()["error"] == {"status": 400, "code": "invalid", "message": words, "field": "only"}


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


def test_head_answers_what_get_would_without_a_viewer(box):
    with httpx.Client(base_url=box.base, timeout=WAIT) as http:
        assert http.head("/api/live", params={"floor": 999}).status_code == 404
        assert http.head("/api/live", params={"only": "sheets"}).status_code == 400
        opened = http.head("/api/live", params={"only": "results", "floor": 1})
        assert opened.status_code == 200 and opened.headers["content-type"].startswith("text/event-stream")
        assert opened.content == b""
