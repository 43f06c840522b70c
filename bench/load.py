"""Load benchmark: F floors x J judges sending a round's sheets together while V SSE viewers listen.

A real `floorcraft serve` on 127.0.0.1 (fresh database per viewer count). Each floor has R single-dance finals
of 6 couples judged by its own panel of J; every judge sends its sheet for round r, then for round r+1, ... as fast
as the box answers (signed requests, durable commits). A separate viewer process holds V raw-socket SSE
connections to /api/live and stamps the arrival of every `round.computed` event with CLOCK_MONOTONIC (one clock
for all processes on Linux). Printed per viewer count:
- durable sheets per second over the whole sending phase;
- p50/p99 of "last sheet of a round acknowledged -> that round's result at the last viewer" (ms);
- the server's peak RSS (VmHWM, MB).
Last line: RESULT product sheets_rps=... v<V>_all_p50_ms=... v<V>_all_p99_ms=... v<V>_rss_mb=...
All traffic is loopback; loops are bounded by count and by time; the server is stopped by its PID.

    .venv/bin/python bench/load.py [--floors 3] [--judges 7] [--rounds 20] [--viewers 500,1000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from appliance.client import SignedClient  # noqa: E402

LETTERS = [chr(ord("A") + i) for i in range(26)] + ["AA", "AB", "AC", "AD"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data: Path, port: int) -> subprocess.Popen:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "FLOORCRAFT_DATA_DIR": str(data),
        "FLOORCRAFT_PORT": str(port),
        "FLOORCRAFT_MDNS": "false",
        "FLOORCRAFT_LOG_LEVEL": "warning",
        "FLOORCRAFT_STOP_TIMEOUT": "2",
    }
    log = open(data / "server.log", "wb")  # noqa: SIM115 - the child keeps it
    proc = subprocess.Popen(
        [sys.executable, "-m", "appliance", "serve"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("server did not start")


async def ok(response: httpx.Response, status: int = 200) -> dict:
    if response.status_code != status:
        raise SystemExit(f"{response.request.url.path}: {response.status_code} {response.text}")
    return response.json()


async def setup(http: httpx.AsyncClient, data: Path, floors: int, judges: int, rounds: int):
    url = re.findall(r"http://\S+/join#\S+", (data / "server.log").read_text())[-1]
    desk = await SignedClient.enrol(http, url)
    comp = await ok(
        await desk.post(
            "/api/competitions/",
            {
                "name": "Load Cup",
                "starts_on": "2026-12-05",
                "ends_on": "2026-12-05",
                "venue": "Hall",
                "floors": [f"Floor {f + 1}" for f in range(floors)],
            },
        ),
        201,
    )
    for letter in LETTERS[: floors * judges]:
        await ok(
            await desk.post(
                f"/api/competitions/{comp['id']}/adjudicators", {"name": f"Judge {letter}", "letter": letter}
            ),
            201,
        )
    link = await ok(await desk.post(f"/api/competitions/{comp['id']}/registration-links", {"role": "couple"}), 201)
    plan: dict[int, list[int]] = {}
    for f in range(floors):
        panel = LETTERS[f * judges : (f + 1) * judges]
        events = []
        for r in range(rounds):
            event = await ok(
                await desk.post(
                    f"/api/competitions/{comp['id']}/events",
                    {"name": f"F{f + 1} R{r + 1}", "style": "standard", "dances": ["W"], "floor": f"Floor {f + 1}"},
                ),
                201,
            )
            await ok(await desk.put(f"/api/events/{event['id']}/panel", {"letters": panel}))
            events.append(event["id"])
        for c in range(6):
            for chunk in range(0, len(events), 20):  # a registration names at most 20 events
                await ok(
                    await http.post(
                        f"/api/register/{link['token']}/couple",
                        json={"leader": f"L{f}-{c}", "follower": f"F{f}-{c}", "events": events[chunk : chunk + 20]},
                    ),
                    201,
                )
        plan[f] = events
    await ok(await desk.post(f"/api/competitions/{comp['id']}/close-registration", {"seed": 1}))
    round_ids: dict[int, list[tuple[int, list[int]]]] = {}
    for f, events in plan.items():
        round_ids[f] = []
        for event_id in events:
            final = (await ok(await desk.get(f"/api/events/{event_id}/plan")))["rounds"][0]
            round_ids[f].append((final["id"], final["heats"]["W"][0]))
    tablets: dict[int, list[SignedClient]] = {}
    for f in range(floors):
        tablets[f] = []
        for letter in LETTERS[f * judges : (f + 1) * judges]:
            made = await ok(
                await desk.post(
                    "/api/enrolments", {"role": "adjudicator", "competition_id": comp["id"], "judge": letter}
                ),
                201,
            )
            tablets[f].append(await SignedClient.enrol(http, made["url"]))
    return round_ids, tablets


class RawTablet:
    """A lean keep-alive HTTP/1.1 connection that signs like SignedClient: the judges' side must not be the limit."""

    def __init__(self, tablet: SignedClient, port: int):
        self.tablet, self.port = tablet, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        headers = self.tablet.sign("POST", path, body)
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.writer.write(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n{head}\r\n".encode()
            + body
        )
        status_line = await self.reader.readline()
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return int(status_line.split()[1]), await self.reader.readexactly(length)


async def judge(tablet: RawTablet, index: int, rounds: list[tuple[int, list[int]]], acks: dict) -> None:
    for round_id, bibs in rounds:
        order = bibs[index % len(bibs) :] + bibs[: index % len(bibs)]
        body = json.dumps({"places": {str(b): i + 1 for i, b in enumerate(order)}}).encode()
        status, text = await tablet.post(f"/api/rounds/{round_id}/sheets/W", body)
        stamp = time.monotonic_ns()
        if status != 200:
            raise SystemExit(f"sheet refused: {status} {text[:300]!r}")
        acks[round_id] = max(acks.get(round_id, 0), stamp)


VIEWER = r"""
import asyncio, json, re, sys, time
port, count, expect, limit = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
seen = {}
connected = 0
pattern = re.compile(rb'event: round\.computed\ndata: \{"round_id":(\d+)')
class Viewer(asyncio.Protocol):
    def __init__(self):
        self.buffer = b""
        self.got = set()
        self.ready = False
    def connection_made(self, transport):
        transport.write(b"GET /api/live HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
    def data_received(self, data):
        global connected
        now = time.monotonic_ns()
        if not self.ready and b"event: state" in self.buffer + data:
            self.ready = True
            connected += 1
        self.buffer += data
        end = self.buffer.rfind(b"\n\n")
        if end < 0:
            return
        complete, self.buffer = self.buffer[:end + 2], self.buffer[end + 2:]
        if b"round.computed" not in complete:
            return
        for match in pattern.finditer(complete):
            rid = int(match.group(1))
            if rid not in self.got:
                self.got.add(rid)
                n, last = seen.get(rid, (0, 0))
                seen[rid] = (n + 1, max(last, now))
async def main():
    loop = asyncio.get_running_loop()
    for i in range(count):
        await loop.create_connection(Viewer, "127.0.0.1", port)
    deadline = time.monotonic() + 30
    while connected < count and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    print("READY", connected, flush=True)
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and (len(seen) < expect or any(n < count for n, _ in seen.values())):
        await asyncio.sleep(0.05)
    print(json.dumps({str(k): v for k, v in seen.items()}), flush=True)
asyncio.run(main())
"""


def server_cpu(pid: int) -> float:
    """The server's CPU seconds so far (user + system)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def one_run(floors: int, judges: int, rounds: int, viewers: int) -> dict:
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as tmp:
        data, port = Path(tmp), free_port()
        server = start_server(data, port)
        try:
            async with httpx.AsyncClient(
                base_url=f"http://127.0.0.1:{port}", timeout=30, limits=httpx.Limits(max_connections=200)
            ) as http:
                round_ids, tablets = await setup(http, data, floors, judges, rounds)
                expect = floors * rounds
                viewer = None
                if viewers:
                    viewer = subprocess.Popen(
                        [sys.executable, "-c", VIEWER, str(port), str(viewers), str(expect), "120"],
                        stdout=subprocess.PIPE,
                        text=True,
                    )
                    ready = viewer.stdout.readline().split()
                    if not ready or int(ready[1]) < viewers:
                        raise SystemExit(f"viewers did not connect: {ready}")
                acks: dict[int, int] = {}
                cpu0 = server_cpu(server.pid)
                start = time.monotonic()
                await asyncio.wait_for(
                    asyncio.gather(
                        *(
                            judge(RawTablet(t, port), i, round_ids[f], acks)
                            for f in range(floors)
                            for i, t in enumerate(tablets[f])
                        )
                    ),
                    timeout=240,
                )
                elapsed = time.monotonic() - start
                cpu = (server_cpu(server.pid) - cpu0) / elapsed * 100
                seen = {}
                if viewer is not None:
                    seen = json.loads(viewer.stdout.readline())
                    viewer.wait(30)
            rss = peak_rss_mb(server.pid)
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                server.kill()
    sheets = floors * judges * rounds
    latencies = sorted((seen[str(rid)][1] - acks[rid]) / 1e6 for rid in acks if str(rid) in seen)
    complete = sum(1 for rid in acks if str(rid) in seen and seen[str(rid)][0] == viewers)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else float("nan")
    p50 = statistics.median(latencies) if latencies else float("nan")
    return {
        "sheets_rps": sheets / elapsed,
        "cpu": cpu,
        "p50": p50,
        "p99": p99,
        "rss": rss,
        "rounds": len(acks),
        "complete": complete,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--floors", type=int, default=3)
    parser.add_argument("--judges", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--viewers", default="0,500,1000", help="viewer counts; 0: no viewers (throughput alone)")
    args = parser.parse_args()
    result = {}
    rps = []
    for v in (int(x) for x in args.viewers.split(",")):
        r = asyncio.run(one_run(args.floors, args.judges, args.rounds, v))
        rps.append(r["sheets_rps"])
        latency = (
            (
                f"; last sheet -> result at every viewer p50 {r['p50']:.1f} ms, p99 {r['p99']:.1f} ms "
                f"({r['complete']}/{r['rounds']} rounds reached all viewers)"
            )
            if v
            else ""
        )
        print(
            f"{args.floors} floors x {args.judges} judges x {args.rounds} rounds, {v} viewers: "
            f"{r['sheets_rps']:.0f} durable sheets/s{latency}; server peak RSS {r['rss']:.0f} MB, "
            f"server CPU {r['cpu']:.0f} % of a core",
            flush=True,
        )
        result[f"v{v}_sheets_rps"] = f"{r['sheets_rps']:.0f}"
        if v:
            result |= {
                f"v{v}_all_p50_ms": f"{r['p50']:.1f}",
                f"v{v}_all_p99_ms": f"{r['p99']:.1f}",
                f"v{v}_rss_mb": f"{r['rss']:.0f}",
            }
    result["sheets_rps"] = f"{max(rps):.0f}"  # the box's durable throughput: without viewers when measured
    print("RESULT product " + " ".join(f"{k}={v}" for k, v in result.items()))


if __name__ == "__main__":
    main()
