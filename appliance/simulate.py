"""Simulated tablets: judges every event of a competition to its official result through the signed HTTP API.

Used by `floorcraft demo --simulate`, the end-to-end tests and the load benchmark. Marks are plausible:
each couple has a strength, and every judge ranks the couples by strength plus their own noise.
"""

from __future__ import annotations

import asyncio
import base64
import random
import struct
import zlib

import httpx
import msgspec

from appliance.trust.client import SignedClient


class SimulationError(RuntimeError):
    pass


class Summary(msgspec.Struct):
    sheets: int = 0
    rounds: int = 0
    ties_decided: int = 0
    finals_signed: int = 0


async def _ok(response: httpx.Response, *expected: int) -> dict:
    if response.status_code not in (expected or (200,)):
        raise SimulationError(
            f"{response.request.method} {response.request.url.path}: {response.status_code} {response.text}"
        )
    return response.json() if response.content else {}


def signature_png(seed: int, width: int = 240, height: int = 80) -> bytes:
    """A simulated judge's signature: a 1-bit greyscale PNG with a zigzag stroke (0 ink, 1 paper)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = []
    for y in range(height):
        row = bytearray(b"\xff" * ((width + 7) // 8))
        for x in range(10, width - 10):
            if abs((x * (3 + seed % 4) // 4) % height - y) <= 1:
                row[x // 8] &= ~(0x80 >> (x % 8)) & 0xFF
        rows.append(b"\x00" + bytes(row))
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    image = chunk(b"IDAT", zlib.compress(b"".join(rows)))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + image + chunk(b"IEND", b"")


class Simulation:
    """One desk, one chair and a tablet per judge seat, marking what each floor dances."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        desk: SignedClient,
        competition_id: int,
        seed: int = 1,
        pace: float = 0.0,
        noise: float = 3.0,
    ):
        self.http, self.desk, self.competition_id = http, desk, competition_id
        self.rng = random.Random(seed)  # noqa: S311 - simulated judges repeat with the seed  # nosec B311
        self.pace, self.noise = pace, noise
        self.strength: dict[int, float] = {}
        self.judges: dict[str, SignedClient] = {}
        self.chair: SignedClient | None = None
        self.summary = Summary()

    async def _enrol(self, body: dict) -> SignedClient:
        made = await _ok(await self.desk.post("/api/enrolments", body), 201)
        return await SignedClient.enrol(self.http, made["url"])

    async def enrol_officials(self) -> None:
        for judge in await _ok(await self.desk.get(f"/api/competitions/{self.competition_id}/adjudicators")):
            self.judges[judge["letter"]] = await self._enrol(
                {"role": "adjudicator", "competition_id": self.competition_id, "judge": judge["letter"]}
            )
        self.chair = await self._enrol({"role": "chair", "competition_id": self.competition_id})

    def _order(self, bibs: list[int]) -> list[int]:
        for bib in bibs:
            self.strength.setdefault(bib, self.rng.uniform(0, 20))
        return sorted(bibs, key=lambda b: self.strength[b] + self.rng.gauss(0, self.noise))

    def marks(self, task: dict) -> dict:
        order = self._order(task["bibs"])
        if task["kind"] == "recall":
            return {"crosses": order[: task["recall"]]}
        return {"places": {str(b): i + 1 for i, b in enumerate(order)}}

    async def judge_now(self) -> None:
        """Every tablet sends the sheets for the dances it was shown and has not sent."""

        async def one(judge: SignedClient) -> None:
            tasks = await _ok(await judge.get("/api/judge/tasks"))
            sent = False
            for task in tasks["tasks"]:
                if task["sent"] or (task["now"] and task["heat"] != len(task["heats"])):
                    continue  # a dance is marked once its last heat has been on the floor
                path = f"/api/rounds/{task['round_id']}/sheets/{task['dance']}"
                await _ok(await judge.post(path, self.marks(task)))
                self.summary.sheets += 1
                sent = True
            if sent:  # every dance of a round sent: the judge signs it, as the tablet asks
                for rnd in (await _ok(await judge.get("/api/judge/tasks")))["sign"]:
                    png = base64.b64encode(signature_png(rnd["round_id"])).decode()
                    await _ok(await judge.post(f"/api/rounds/{rnd['round_id']}/signature", {"png": png}))

        await asyncio.gather(*(one(j) for j in self.judges.values()))

    async def settle(self) -> None:
        """The chair decides ties at the cut (recalling the larger group) and signs off computed finals."""
        if self.chair is None:
            raise SimulationError("enrol the officials before settling the rounds")
        chair = self.chair
        for event in await _ok(await self.desk.get(f"/api/competitions/{self.competition_id}/events")):
            plan = await _ok(await self.desk.get(f"/api/events/{event['id']}/plan"))
            for rnd in plan["rounds"]:
                if rnd["state"] == "awaiting_chair":
                    result = await _ok(await self.desk.get(f"/api/rounds/{rnd['id']}/result"))
                    larger = max(len(o) for o in result["cut_options"])
                    await _ok(await chair.post(f"/api/rounds/{rnd['id']}/decision", {"recall": larger}))
                    self.summary.ties_decided += 1
                elif rnd["kind"] == "final" and rnd["state"] == "computed":
                    await _ok(await chair.post(f"/api/rounds/{rnd['id']}/sign-off"))
                    self.summary.finals_signed += 1

    async def run_floors(self, floors: list[int]) -> None:
        """Step every floor through its running order; after each step the tablets send and the chair settles."""
        for floor_id in floors:
            status = await _ok(await self.desk.get(f"/api/floors/{floor_id}/status"))
            if status["state"] != "running":
                await _ok(await self.desk.post(f"/api/floors/{floor_id}/start"))
        stalled = dict.fromkeys(floors, 0)
        while any(count < 3 for count in stalled.values()):
            await self.judge_now()
            await self.settle()
            if self.pace:
                await asyncio.sleep(self.pace)
            for floor_id in floors:
                if stalled[floor_id] >= 3:
                    continue
                response = await self.desk.post(f"/api/floors/{floor_id}/next")
                if response.status_code not in (200, 409):
                    await _ok(response)
                stalled[floor_id] = stalled[floor_id] + 1 if response.status_code == 409 else 0

    async def run(self) -> Summary:
        if not self.judges:
            await self.enrol_officials()
        competition = await _ok(await self.desk.get(f"/api/competitions/{self.competition_id}"))
        await self.run_floors([f["id"] for f in competition["floors"]])
        for event in await _ok(await self.desk.get(f"/api/competitions/{self.competition_id}/events")):
            results = await _ok(await self.desk.get(f"/api/events/{event['id']}/results"))
            if not results["official"]:
                raise SimulationError(f"{event['name']} has no official result")
            plan = await _ok(await self.desk.get(f"/api/events/{event['id']}/plan"))
            self.summary.rounds += len(plan["rounds"])
        return self.summary
