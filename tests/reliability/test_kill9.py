"""T1: kill -9 the server again and again while 21 tablets send their sheets with retries: every acknowledged
sheet is stored exactly once, the database passes integrity_check and the change log's chain holds."""

from __future__ import annotations

import asyncio
import random
import sqlite3
import subprocess
import sys
import time

import httpx

from appliance.trust.client import SignedClient
from tests.conftest import ROOT
from tests.server import Server

JUDGES = [chr(ord("A") + i) for i in range(21)]
DANCES = ["W", "T", "Q"]


async def _ok(response: httpx.Response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


async def _setup(server: Server, http: httpx.AsyncClient) -> tuple[SignedClient, dict[str, SignedClient], dict]:
    desk = await SignedClient.enrol(http, server.first_enrolment_url())
    comp = await _ok(
        await desk.post(
            "/api/competitions/",
            {"name": "Kill Cup", "starts_on": "2026-12-05", "ends_on": "2026-12-05", "venue": "Hall"},
        ),
        201,
    )
    for letter in JUDGES:
        await _ok(await desk.post(f"/api/competitions/{comp['id']}/adjudicators", {"name": f"Judge {letter}"}), 201)
    link = await _ok(await desk.post(f"/api/competitions/{comp['id']}/registration-links", {"role": "couple"}), 201)
    rounds = {}
    for e in range(3):
        event = await _ok(
            await desk.post(
                f"/api/competitions/{comp['id']}/events", {"name": f"Event {e}", "style": "standard", "dances": DANCES}
            ),
            201,
        )
        await _ok(await desk.put(f"/api/events/{event['id']}/panel", {"letters": JUDGES[7 * e : 7 * e + 7]}))
        for c in range(12):
            await _ok(
                await http.post(
                    f"/api/register/{link['token']}/couple",
                    json={"leader": f"L{e}-{c}", "follower": f"F{e}-{c}", "events": [event["id"]]},
                ),
                201,
            )
    await _ok(await desk.post(f"/api/competitions/{comp['id']}/close-registration", {"seed": 9}))
    for e in range(3):
        plan = await _ok(await desk.get(f"/api/events/{e + 1}/plan"))
        first = plan["rounds"][0]
        rounds[e] = (first["id"], sorted(b for h in first["heats"]["W"] for b in h))
    tablets = {}
    for letter in JUDGES:
        made = await _ok(
            await desk.post("/api/enrolments", {"role": "adjudicator", "competition_id": comp["id"], "judge": letter}),
            201,
        )
        tablets[letter] = await SignedClient.enrol(http, made["url"])
    return desk, tablets, rounds


async def _send_until_acknowledged(
    tablet: SignedClient,
    letter: str,
    round_id: int,
    bibs: list[int],
    acknowledged: dict,
    deadline: float,
    retries: list,
) -> None:
    rng = random.Random(letter)
    for dance in DANCES:
        await asyncio.sleep(rng.uniform(0.1, 0.8))  # judges finish a dance at different moments
        crosses = sorted(rng.sample(bibs, 6))
        key = f"sheet-{letter}-{dance}"
        while time.monotonic() < deadline:
            try:
                response = await tablet.post(
                    f"/api/rounds/{round_id}/sheets/{dance}", {"crosses": crosses}, idempotency_key=key
                )
            except httpx.TransportError:
                retries.append(key)
                await asyncio.sleep(0.05)
                continue
            if response.status_code == 200:
                acknowledged[(letter, dance)] = response.json()["checksum"]
                break
            assert response.status_code >= 500 or response.status_code == 503, response.text
            await asyncio.sleep(0.05)


async def _killer(server: Server, kills: int, done: asyncio.Event) -> int:
    killed = 0
    while killed < kills and not done.is_set():
        await asyncio.sleep(random.uniform(0.1, 0.4))
        server.kill()
        killed += 1
        await asyncio.to_thread(server.start)
    return killed


async def test_t1_kill_9_while_tablets_submit_loses_and_doubles_nothing(tmp_path):
    server = Server(tmp_path, demo=False).start()
    try:
        async with httpx.AsyncClient(base_url=server.base, timeout=5) as http:
            _, tablets, rounds = await _setup(server, http)
            acknowledged: dict = {}
            retries: list = []
            done = asyncio.Event()
            deadline = time.monotonic() + 120
            senders = [
                _send_until_acknowledged(tablets[j], j, *rounds[i // 7], acknowledged, deadline, retries)
                for i, j in enumerate(JUDGES)
            ]
            killer = asyncio.ensure_future(_killer(server, 6, done))
            await asyncio.gather(*senders)
            done.set()
            killed = await killer
        assert killed >= 3 and retries  # the kills did land while sheets were being sent
        assert len(acknowledged) == len(JUDGES) * len(DANCES)
    finally:
        server.kill()
    conn = sqlite3.connect(tmp_path / "floorcraft.sqlite3")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    stored = {
        (r[0], r[1]): (r[2], r[3])
        for r in conn.execute(
            "SELECT a.letter, s.dance, s.checksum, s.version FROM sheets s "
            "JOIN adjudicators a ON a.id = s.adjudicator_id"
        )
    }
    assert {k: v[0] for k, v in stored.items()} == acknowledged  # every acknowledged sheet, as acknowledged
    assert all(version == 1 for _, version in stored.values())  # none applied twice
    kinds = [r[0] for r in conn.execute("SELECT kind FROM change_log WHERE kind LIKE 'sheet.%'")]
    assert kinds == ["sheet.submitted"] * len(acknowledged)
    assert conn.execute("SELECT count(*) FROM results").fetchone()[0] == 3  # all three rounds computed
    conn.close()
    run = subprocess.run(
        [sys.executable, "-m", "appliance", "verify"],
        cwd=ROOT,
        capture_output=True,
        timeout=60,
        env={"FLOORCRAFT_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert run.returncode == 0, run.stdout
