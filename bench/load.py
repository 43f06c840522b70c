"""Load benchmark: F floors x J judges send sheets while V SSE viewers listen, in one of two modes.

A real `floorcraft serve` on 127.0.0.1 (fresh database per viewer count). Each floor has R single-dance finals
of 6 couples judged by its own panel of J.
- `--mode saturate` (J=7 by default): every judge sends its sheet for round r, then for round r+1, ... as fast as
  the box answers (signed requests, durable commits): the box's throughput;
- `--mode realistic` (J=9, R=12 by default): as on the day. On each floor a dance ends every `--heat` seconds
  (the floors staggered), and its J sheets arrive within `--spread` seconds of each other, each judge at a
  random moment.
A separate viewer process (or --viewer-processes of them, V shared out) holds V raw-socket SSE connections to
/api/live?only=results (a phone on the results page; --stream all: /api/live, as the hall display) and stamps
the arrival of every `round.computed` event with CLOCK_MONOTONIC (one clock for all processes on Linux).
Printed per viewer count:
- the officials' signed sheet requests, p50/p99 (ms, send to answer);
- p50/p99 of "last sheet of a round acknowledged -> that round's result at the last viewer" (ms);
- durable sheets per second over the whole sending phase;
- memory of the box: the total RSS (and PSS, which counts shared pages once) of the server and its fan-out
  workers: idle (the box set up, then started again as on the day, SETTLE s with nothing connected: the server
  alone, its workers start with the first viewer), a new box's (its first SETTLE s, before the set-up) and at
  the peak of the run.
Last line: RESULT product mode=... sheets_rps=... v<V>_all_p50_ms=... v<V>_all_p99_ms=... v<V>_official_p99_ms=...
All traffic is loopback; loops are bounded by count and by time; the server is stopped by its PID.

    .venv/bin/python bench/load.py [--mode saturate|realistic] [--floors 3] [--judges J] [--rounds R]
                                   [--viewers 0,1000,5000] [--workers N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
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
from appliance.trust.client import SignedClient  # noqa: E402

STREAMS = {"results": "/api/live?only=results", "all": "/api/live"}  # the results page's stream; the display's
SETTLE = 6.0  # seconds a started box is left alone before its idle memory is read (> a checkpoint's 5 s)
IDLE = 4.0  # seconds a tablet's connection may idle before it opens a new one (the box keeps 5 s)
LETTERS = [chr(ord("A") + i) for i in range(26)] + ["AA", "AB", "AC", "AD"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data: Path, port: int, workers: int | None, viewers: int) -> subprocess.Popen:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "FLOORCRAFT_DATA_DIR": str(data),
        "FLOORCRAFT_PORT": str(port),
        "FLOORCRAFT_MDNS": "false",
        "FLOORCRAFT_LOG_LEVEL": "info",
        "FLOORCRAFT_STOP_TIMEOUT": "2",
        "FLOORCRAFT_LIVE_MAX_VIEWERS": str(max(viewers + 100, 1000)),  # the cap is not what is measured
        **({} if workers is None else {"FLOORCRAFT_LIVE_WORKERS": str(workers)}),
    }
    log = open(data / "server.log", "wb")  # noqa: SIM115 - the child keeps it
    proc = subprocess.Popen(
        [sys.executable, "-m", "appliance", "serve"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200:
                return proc  # its fan-out workers start with the first viewer
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
        self.used = 0.0

    async def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        if self.writer is not None and time.monotonic() - self.used > IDLE:
            self.writer.close()  # the box closes an idle keep-alive connection after 5 s: a tablet opens a new one
            self.writer = None
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
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
        self.used = time.monotonic()
        return int(status_line.split()[1]), await self.reader.readexactly(length)


async def sheet(tablet: RawTablet, index: int, round_id: int, bibs: list[int], acks: dict, took: list) -> None:
    """One judge's signed sheet for one round; its answer time goes to `took`, its ack stamp to `acks`."""
    order = bibs[index % len(bibs) :] + bibs[: index % len(bibs)]
    body = json.dumps({"places": {str(b): i + 1 for i, b in enumerate(order)}}).encode()
    sent = time.monotonic_ns()
    status, text = await tablet.post(f"/api/rounds/{round_id}/sheets/W", body)
    stamp = time.monotonic_ns()
    if status != 200:
        raise SystemExit(f"sheet refused: {status} {text[:300]!r}")
    took.append((stamp - sent) / 1e6)
    acks[round_id] = max(acks.get(round_id, 0), stamp)


async def judge(tablet: RawTablet, index: int, rounds: list[tuple[int, list[int]]], acks: dict, took: list) -> None:
    """Saturate: this judge's sheets one after the other, each as soon as the last was acknowledged."""
    for round_id, bibs in rounds:
        await sheet(tablet, index, round_id, bibs, acks, took)


async def floor_day(
    tablets: list[RawTablet], rounds: list[tuple[int, list[int]]], acks: dict, took: list, pace: tuple, seed: int
) -> None:
    """Realistic: a dance ends every `heat` s (this floor `offset` s late); its sheets come within `spread` s."""
    heat, spread, offset = pace
    rng = random.Random(seed)  # noqa: S311 - a pace, not a secret
    start = time.monotonic() + offset

    async def later(tablet: RawTablet, index: int, round_id: int, bibs: list[int], delay: float) -> None:
        await asyncio.sleep(delay)
        await sheet(tablet, index, round_id, bibs, acks, took)

    for k, (round_id, bibs) in enumerate(rounds):
        await asyncio.sleep(max(0.0, start + k * heat - time.monotonic()))
        await asyncio.gather(*(later(t, i, round_id, bibs, rng.uniform(0, spread)) for i, t in enumerate(tablets)))


VIEWER = r"""
import asyncio, json, re, sys, time
port, count, expect, limit = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
request = b"GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n" % sys.argv[5].encode()
seen = {}
connected = 0
pattern = re.compile(rb'event: round\.computed\ndata: \{"round_id":(\d+)')
class Viewer(asyncio.Protocol):
    def __init__(self):
        self.buffer = b""
        self.got = set()
        self.ready = False
    def connection_made(self, transport):
        transport.write(request)
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
    deadline = time.monotonic() + 90
    while connected < count and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    print("READY", connected, flush=True)
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and (len(seen) < expect or any(n < count for n, _ in seen.values())):
        await asyncio.sleep(0.05)
    print(json.dumps({str(k): v for k, v in seen.items()}), flush=True)
import uvloop  # the viewers' side as lean as it can be: on 2 cores it shares the machine with the box
uvloop.run(main())
"""


def box_pids(pid: int) -> list[int]:
    """The server and its fan-out workers (its children)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    return [pid, *map(int, children)]


def proc_cpu(pid: int) -> float:
    """One process's CPU seconds so far (user + system)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory_mb(pid: int) -> tuple[float, float]:
    """(total RSS, total PSS) of the box's processes, MB."""
    rss = pss = 0.0
    for p in box_pids(pid):
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1]) / 1024
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1]) / 1024
        except OSError:
            continue
    return rss, pss


class Sampler:
    """The box's memory every 0.25 s while a run goes on (a bounded background task): the peaks."""

    def __init__(self, pid: int):
        self.pid, self.rss, self.pss = pid, 0.0, 0.0
        self.task: asyncio.Task | None = None

    async def _run(self) -> None:
        for _ in range(4 * 600):  # ten minutes at most
            rss, pss = await asyncio.to_thread(memory_mb, self.pid)
            self.rss, self.pss = max(self.rss, rss), max(self.pss, pss)
            await asyncio.sleep(0.25)

    def __enter__(self) -> Sampler:
        self.task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *exc) -> None:
        assert self.task is not None
        self.task.cancel()


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * q))] if values else float("nan")


def start_viewers(port: int, viewers: int, expect: int, processes: int, path: str) -> list[subprocess.Popen]:
    """`viewers` connections over `processes` viewer processes (each READY once all of its own are connected)."""
    shares = [viewers // processes + (i < viewers % processes) for i in range(processes)] if viewers else []
    started = [
        subprocess.Popen(
            [sys.executable, "-c", VIEWER, str(port), str(n), str(expect), "120", path],
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in shares
        if n
    ]
    for proc, n in zip(started, shares, strict=False):
        assert proc.stdout is not None
        ready = proc.stdout.readline().split()
        if not ready or int(ready[1]) < n:
            raise SystemExit(f"viewers did not connect: {ready}")
    return started


def merged(procs: list[subprocess.Popen]) -> dict[str, tuple[int, int]]:
    """Each round's (viewers that got it, the last arrival) over every viewer process."""
    seen: dict[str, tuple[int, int]] = {}
    for proc in procs:
        assert proc.stdout is not None
        for rid, (n, last) in json.loads(proc.stdout.readline()).items():
            had = seen.get(rid, (0, 0))
            seen[rid] = (had[0] + n, max(had[1], last))
        proc.wait(30)
    return seen


async def drive(args: argparse.Namespace, port: int, round_ids: dict, tablets: dict, acks: dict, took: list) -> None:
    raw = {f: [RawTablet(t, port) for t in tablets[f]] for f in range(args.floors)}
    if args.mode == "saturate":
        jobs = [judge(t, i, round_ids[f], acks, took) for f in range(args.floors) for i, t in enumerate(raw[f])]
    else:
        jobs = [
            floor_day(raw[f], round_ids[f], acks, took, (args.heat, args.spread, f * args.heat / args.floors), f)
            for f in range(args.floors)
        ]
    await asyncio.wait_for(asyncio.gather(*jobs), timeout=240)


def stop(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(15)
    except subprocess.TimeoutExpired:
        server.kill()


async def one_run(args: argparse.Namespace, viewers: int) -> dict:
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as tmp:
        data, port = Path(tmp), free_port()
        server = start_server(data, port, args.workers, viewers)
        try:
            await asyncio.sleep(SETTLE)
            fresh = memory_mb(server.pid)  # a new box: its first scrutineer's QR code is waiting
            async with httpx.AsyncClient(
                base_url=f"http://127.0.0.1:{port}", timeout=30, limits=httpx.Limits(max_connections=200)
            ) as http:
                round_ids, tablets = await setup(http, data, args.floors, args.judges, args.rounds)
            stop(server)  # set up the evening before, started again on the day
            server = start_server(data, port, args.workers, viewers)
            await asyncio.sleep(SETTLE)
            idle = memory_mb(server.pid)
            path = STREAMS[args.stream]
            viewer_procs = start_viewers(port, viewers, args.floors * args.rounds, args.viewer_processes, path)
            acks: dict[int, int] = {}
            took: list[float] = []
            cpu0 = sum(proc_cpu(p) for p in box_pids(server.pid))
            client0 = sum(proc_cpu(p.pid) for p in viewer_procs)
            start = time.monotonic()
            with Sampler(server.pid) as peak:
                await drive(args, port, round_ids, tablets, acks, took)
                elapsed = time.monotonic() - start
                cpu = (sum(proc_cpu(p) for p in box_pids(server.pid)) - cpu0) / elapsed * 100
                client = (sum(proc_cpu(p.pid) for p in viewer_procs) - client0) / elapsed * 100
                seen = merged(viewer_procs)
        finally:
            stop(server)
    latencies = [(seen[str(rid)][1] - acks[rid]) / 1e6 for rid in acks if str(rid) in seen]
    return {
        "sheets_rps": len(took) / elapsed,
        "cpu": cpu,
        "client_cpu": client,
        "p50": statistics.median(latencies) if latencies else float("nan"),
        "p99": percentile(latencies, 0.99),
        "slowest": sorted(latencies)[-4:][::-1],
        "official_p50": statistics.median(took),
        "official_p99": percentile(took, 0.99),
        "idle_rss": idle[0],
        "idle_pss": idle[1],
        "fresh_rss": fresh[0],
        "rss": peak.rss,
        "pss": peak.pss,
        "rounds": len(acks),
        "complete": sum(1 for rid in acks if str(rid) in seen and seen[str(rid)][0] == viewers),
    }


def report(args: argparse.Namespace, v: int, r: dict) -> dict:
    latency = (
        f"; last sheet -> result at every viewer p50 {r['p50']:.1f} ms, p99 {r['p99']:.1f} ms "
        f"(the 4 slowest rounds: {', '.join(f'{x:.0f}' for x in r['slowest'])} ms; "
        f"{r['complete']}/{r['rounds']} rounds reached all viewers)"
        if v
        else ""
    )
    print(
        f"{args.mode}, {args.floors} floors x {args.judges} judges x {args.rounds} rounds, {v} viewers "
        f"({args.stream}): "
        f"officials' sheets p50 {r['official_p50']:.1f} ms, p99 {r['official_p99']:.1f} ms; "
        f"{r['sheets_rps']:.0f} durable sheets/s{latency}; box RSS idle {r['idle_rss']:.1f} MB (new box "
        f"{r['fresh_rss']:.1f}), peak "
        f"{r['rss']:.0f} MB (PSS {r['idle_pss']:.0f} / {r['pss']:.0f} MB); CPU in % of a core: box {r['cpu']:.0f}, "
        f"viewers' process(es) {r['client_cpu']:.0f}",
        flush=True,
    )
    keys = {
        f"v{v}_sheets_rps": f"{r['sheets_rps']:.0f}",
        f"v{v}_official_p50_ms": f"{r['official_p50']:.1f}",
        f"v{v}_official_p99_ms": f"{r['official_p99']:.1f}",
        f"v{v}_rss_mb": f"{r['rss']:.0f}",
        f"v{v}_pss_mb": f"{r['pss']:.0f}",
        f"v{v}_idle_rss_mb": f"{r['idle_rss']:.1f}",
        f"v{v}_new_box_rss_mb": f"{r['fresh_rss']:.1f}",
        f"v{v}_idle_pss_mb": f"{r['idle_pss']:.0f}",
    }
    if v:
        keys |= {f"v{v}_all_p50_ms": f"{r['p50']:.1f}", f"v{v}_all_p99_ms": f"{r['p99']:.1f}"}
    return keys


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=("saturate", "realistic"), default="saturate")
    parser.add_argument("--floors", type=int, default=3)
    parser.add_argument("--judges", type=int, default=None, help="per floor (default: 7 saturate, 9 realistic)")
    parser.add_argument("--rounds", type=int, default=None, help="per floor (default: 20 saturate, 12 realistic)")
    parser.add_argument("--viewers", default="0,500,1000", help="viewer counts; 0: no viewers (throughput alone)")
    parser.add_argument(
        "--stream",
        choices=sorted(STREAMS),
        default="results",
        help="what each viewer follows: results (the phones' results page, the default) or all (the hall display)",
    )
    parser.add_argument(
        "--viewer-processes",
        type=int,
        default=1,
        help="processes the viewers are spread over (default 1: one process reads every socket, serially)",
    )
    parser.add_argument("--workers", type=int, default=None, help="FLOORCRAFT_LIVE_WORKERS (default: the box's)")
    parser.add_argument("--heat", type=float, default=4.0, help="realistic: seconds between two dances' ends")
    parser.add_argument("--spread", type=float, default=2.0, help="realistic: seconds a dance's sheets spread over")
    args = parser.parse_args()
    realistic = args.mode == "realistic"
    args.judges = args.judges or (9 if realistic else 7)
    args.rounds = args.rounds or (12 if realistic else 20)
    if not (1 <= args.floors <= 5 and 1 <= args.judges <= 9 and 1 <= args.rounds <= 60 and 0.5 <= args.heat <= 60):
        raise SystemExit("bounds: --floors 1-5, --judges 1-9, --rounds 1-60, --heat 0.5-60")
    result = {"mode": args.mode, "stream": args.stream}
    rps = []
    for v in (int(x) for x in args.viewers.split(",")):
        r = asyncio.run(one_run(args, v))
        rps.append(r["sheets_rps"])
        result |= report(args, v, r)
    result["sheets_rps"] = f"{max(rps):.0f}"  # the box's durable throughput: without viewers when measured
    print("RESULT product " + " ".join(f"{k}={v}" for k, v in result.items()))


if __name__ == "__main__":
    main()
