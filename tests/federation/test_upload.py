"""Upload when online (issue #11 point 3): a real server uploads the ESV document of the worked example to a local
stand-in of the federation after each computed round and, once signed off, the final document with its checksum
header; the stand-in checks the schema, the media type, the login and the header, and misbehaves on purpose
(503 and 429 with Retry-After, an answer that never comes, a long outage) while the judges' sheets keep being
accepted."""

from __future__ import annotations

import asyncio
import hashlib
import json
import time

import httpx

from appliance.federation.esv import MEDIA_TYPE
from appliance.federation.schema import results_errors
from appliance.trust.client import SignedClient
from tests.conftest import Api
from tests.federation.example import judge_round, set_up
from tests.server import Server

TURNIER = "54321"
LOGIN = "club:secret"


class StandIn:
    """The federation's results endpoint: validates each upload, answers per `plan` (request number -> fault)."""

    def __init__(self, plan: dict[int, str]):
        self.plan = plan
        self.down = False
        self.count = 0
        self.faults: list[str] = []
        self.accepted: list[tuple[dict, str | None]] = []  # (document, X-DTV-Pruefsumme)
        self.refused: list[str] = []
        self.server: asyncio.base_events.Server | None = None

    async def start(self) -> str:
        self.server = await asyncio.start_server(self.handle, "127.0.0.1", 0)
        return f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}"

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while request_line := await reader.readline():
                headers = {}
                while (line := await reader.readline()) not in (b"\r\n", b""):
                    name, _, value = line.decode().partition(":")
                    headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                self.count += 1
                fault = "down" if self.down else self.plan.get(self.count, "ok")
                self.faults.append(fault)
                if fault == "timeout":
                    await asyncio.sleep(3)  # longer than the box waits (1 s): it gives up and sends again
                    return
                if fault in ("down", "503"):
                    await self.reply(writer, 503, {"code": 503, "fehler": "maintenance"}, {"Retry-After": "1"})
                elif fault == "429":
                    await self.reply(writer, 429, {"code": 429, "fehler": "slow down"}, {"Retry-After": "1"})
                else:
                    status, problem = self.check(request_line.decode(), headers, body)
                    await self.reply(writer, status, {"code": status, "fehler": problem})
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        finally:
            writer.close()

    def check(self, request_line: str, headers: dict, body: bytes) -> tuple[int, str | None]:
        """What the ESV checks: the event, the login, level 2, the schema, and the checksum only on the final."""
        document = json.loads(body)
        header = headers.get("x-dtv-pruefsumme")
        problems = []
        if request_line.split()[:2] != ["POST", f"/api/v1/ergebnis/{TURNIER}"]:
            problems.append(f"unknown event: {request_line}")
        if headers.get("authorization") != "Basic Y2x1YjpzZWNyZXQ=" or "Token=cert-123" not in headers["user-agent"]:
            problems.append("login")
        if headers.get("content-type") != MEDIA_TYPE:
            problems.append(f"media type {headers.get('content-type')}")
        problems += results_errors(document)
        if document["endergebnis"] != (header is not None):
            problems.append(f"final flag {document['endergebnis']} with checksum header {header}")
        if header is not None and header != hashlib.sha1(body).hexdigest()[:6]:  # noqa: S324 - the ESV's own checksum
            problems.append(f"checksum {header} is not the body's")
        if problems:
            self.refused.append("; ".join(problems))
            return 400, "; ".join(problems)
        self.accepted.append((document, header))
        return 200, None

    @staticmethod
    async def reply(writer, status: int, answer: dict, extra: dict | None = None) -> None:
        body = json.dumps(answer).encode()
        head = "".join(f"{k}: {v}\r\n" for k, v in (extra or {}).items())
        writer.write(
            f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n{head}\r\n".encode()
            + body
        )
        await writer.drain()


async def wait_for(what: str, condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if await condition():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"waited {seconds} s for {what}")


def _rounds(document: dict) -> int:
    return len(document["ablauf"] or [])


async def test_each_rounds_document_and_the_final_once_reach_the_federation_despite_faults(tmp_path):
    stand_in = StandIn({1: "503", 2: "timeout", 3: "429"})
    url = await stand_in.start()
    token_file = tmp_path / "federation-login"
    token_file.write_text(f"{LOGIN}\ncert-123\n")
    data = tmp_path / "box"
    data.mkdir()
    box = Server(
        data,
        demo=False,
        env={
            "FLOORCRAFT_FEDERATION_URL": url,
            "FLOORCRAFT_FEDERATION_TOKEN_FILE": str(token_file),
            "FLOORCRAFT_FEDERATION_MODE": "live",
            "FLOORCRAFT_FEDERATION_EVENTS": f"1={TURNIER}",
            "FLOORCRAFT_FEDERATION_TIMEOUT": "1",
        },
    )
    try:
        await asyncio.to_thread(box.start)
        async with httpx.AsyncClient(base_url=box.base, timeout=10) as http:
            desk = await SignedClient.enrol(http, box.first_enrolment_url())
            api = Api(http, desk)
            ids = await set_up(api)
            assert ids["event"] == 1

            async def status() -> dict:
                return (await desk.get("/api/sync")).json()["federation"]

            await judge_round(api, ids["first"], final=False)
            await wait_for("round 1's document", lambda: _has(stand_in, 1))
            assert {"503", "timeout", "429"} <= set(stand_in.faults)  # each fault met, and retried past

            stand_in.down = True  # a long outage: the judges' sheets are still taken at once
            before = len(stand_in.accepted)
            await judge_round(api, ids["final"], final=True)
            await wait_for("the outage seen at the desk", lambda: _error_is(status, "HTTP 503"))
            assert len(stand_in.accepted) == before
            stand_in.down = False
            await wait_for("the final's computed document", lambda: _has(stand_in, 2))
            assert all(header is None for _, header in stand_in.accepted)  # not final yet: no checksum header

            chair_url = await desk.post("/api/enrolments", {"role": "chair", "competition_id": ids["competition"]})
            chair = await SignedClient.enrol(http, chair_url.json()["url"])
            assert (await chair.post(f"/api/rounds/{ids['final']}/sign-off")).status_code == 200
            await wait_for("the final document", lambda: _final(stand_in))
            for move in ("start", "next", "next"):  # more rows in the log: the upload moves past them
                assert (await desk.post(f"/api/floors/1/{move}")).status_code == 200
            head = (await http.get("/api/health")).json()["change_log_head"]
            await wait_for("the upload to catch up", lambda: _acked(status, head))
            shown = await status()
        box.terminate()
    finally:
        box.kill()
        stand_in.server.close()
    assert stand_in.refused == []
    finals = [(doc, header) for doc, header in stand_in.accepted if doc["endergebnis"]]
    assert len(finals) == 1, [h for _, h in stand_in.accepted]
    document, header = finals[0]
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    assert header == hashlib.sha1(body).hexdigest()[:6]  # noqa: S324
    assert _rounds(document) == 2 and stand_in.accepted[-1] == finals[0]
    assert [_rounds(d) for d, _ in stand_in.accepted] == sorted(_rounds(d) for d, _ in stand_in.accepted)
    assert shown["mode"] == "live" and shown["last_error"] is None and shown["pending"] == 0


async def _has(stand_in: StandIn, rounds: int) -> bool:
    return any(_rounds(doc) == rounds for doc, _ in stand_in.accepted)


async def _final(stand_in: StandIn) -> bool:
    return any(header for _, header in stand_in.accepted)


async def _error_is(status, words: str) -> bool:
    return words in ((await status())["last_error"] or "")


async def _acked(status, head: int) -> bool:
    return (await status())["acked_seq"] >= head


async def _drain(store, settings) -> None:
    """Run the uploader's steps until nothing is due (bounded)."""
    from appliance.box.sync import IDLE
    from appliance.federation.upload import Uploader

    uploader = Uploader(store, settings)
    async with httpx.AsyncClient(timeout=settings.federation_timeout) as http:
        for _ in range(50):
            if await uploader.step(http) == IDLE:
                return
    raise AssertionError("the uploader never went idle")


async def test_final_mode_sends_only_the_signed_off_final_and_a_refusal_is_not_retried(api, client, settings, tmp_path):
    import msgspec

    from appliance.box.sync import sync_status
    from tests.conftest import enrolled
    from tests.federation.example import judge_all

    stand_in = StandIn({})
    url = await stand_in.start()
    token_file = tmp_path / "federation-login"
    token_file.write_text(f"{LOGIN}\ncert-123\n")
    store = client.app.state["ctx"].store
    final_mode = msgspec.structs.replace(
        settings,
        federation_url=url,
        federation_token_file=str(token_file),
        federation_mode="final",
        federation_events=(f"1={TURNIER}",),
        federation_timeout=2.0,
    )
    try:
        ids = await judge_all(api)
        await _drain(store, final_mode)
        assert stand_in.accepted == []  # computed rounds are not sent in final mode
        chair = await enrolled(client, "chair", competition_id=ids["competition"])
        assert (await chair.post(f"/api/rounds/{ids['final']}/sign-off")).status_code == 200
        await _drain(store, final_mode)
        assert [doc["endergebnis"] for doc, header in stand_in.accepted if header] == [True]
        assert len(stand_in.accepted) == 1 and stand_in.refused == []

        wrong = msgspec.structs.replace(final_mode, federation_url=url + "/elsewhere")  # its own cursor: from seq 0
        await _drain(store, wrong)
        assert stand_in.count == 2 and len(stand_in.refused) == 1  # refused once, not sent again
        shown = (await sync_status(store, wrong)).federation
        assert shown.pending == 0 and "HTTP 400" in shown.last_error and "unknown event" in shown.last_error
    finally:
        stand_in.server.close()


def test_the_upload_settings_are_checked_in_plain_words():
    import pytest

    from appliance.settings import SettingsError, load_settings

    loaded = load_settings({"FLOORCRAFT_FEDERATION_EVENTS": "3=54321, 4=54322", "FLOORCRAFT_FEDERATION_MODE": "final"})
    assert loaded.federation_events == ("3=54321", "4=54322") and loaded.federation_mode == "final"
    with pytest.raises(SettingsError, match="FEDERATION_EVENTS: 'three' is not EVENT=TURNIER"):
        load_settings({"FLOORCRAFT_FEDERATION_EVENTS": "three"})
    with pytest.raises(SettingsError, match="FEDERATION_MODE"):
        load_settings({"FLOORCRAFT_FEDERATION_MODE": "sometimes"})
