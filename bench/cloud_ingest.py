"""Cloud ingest benchmark: many paired boxes' signed batches into the receiver, on SQLite and on PostgreSQL.

Each box has a hash-chained log; its batches go through the receiver's use case (signature, chain checks, the
box's row locked, the rows inserted: appliance/cloud/receiver.py) from several threads at once, as the receiver's
worker threads would, first in one receiver process, then in several on the same database. PostgreSQL is a
throwaway server (Debian's postgresql package, tests/cloud/postgres.py) with fsync on, as durable as SQLite's
synchronous=FULL. Prints batches/s and rows/s side by side; last line:
RESULT cloud_ingest p1_sqlite_batches_s=... p1_sqlite_rows_s=... p1_postgres_batches_s=... (and p2_...)

    .venv/bin/python bench/cloud_ingest.py [--boxes 20] [--batches 20] [--rows 100] [--threads 4] [--processes 2]
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from appliance.cloud import receiver  # noqa: E402
from appliance.db.cloud_backend import open_cloud  # noqa: E402
from tests.cloud.boxes import FakeBox, pair_directly  # noqa: E402
from tests.cloud.postgres import Cluster  # noqa: E402


def send_all(url: str, folder: str, threads: int, batches: list[list[tuple[bytes, str]]]) -> tuple[float, float]:
    """One receiver process: its own store (pool), `threads` threads, each box's batches in order; when it
    started and ended sending (wall clock: the processes' start-up is not measured)."""
    store = open_cloud(Path(folder), url, receiver.now_text(), threads)
    started = time.time()

    def send(box: list[tuple[bytes, str]]) -> None:
        for body, signature in box:
            receiver.receive(store, body, signature)

    try:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(send, batches))
    finally:
        store.close()
    return started, time.time()


def run(url: str, folder: Path, args: argparse.Namespace, processes: int) -> tuple[float, float]:
    """(batches/s, rows/s) of every box's batches sent by `processes` receiver processes of `threads` threads."""
    store = open_cloud(folder, url, receiver.now_text())
    boxes = [FakeBox().filler(args.batches * args.rows) for _ in range(args.boxes)]
    for box in boxes:
        pair_directly(store, box)
    store.close()
    signed = []
    for box in boxes:
        batches = [box.batch(i * args.rows + 1, (i + 1) * args.rows) for i in range(args.batches)]
        signed.append([(body, headers["X-Box-Signature"]) for body, headers in batches])
    shares = [signed[i::processes] for i in range(processes)]
    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn")) as pool:
        times = list(
            pool.map(send_all, [url] * processes, [str(folder)] * processes, [args.threads] * processes, shares)
        )
    seconds = max(end for _, end in times) - min(start for start, _ in times)
    count = args.boxes * args.batches
    return count / seconds, count * args.rows / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boxes", type=int, default=20)
    parser.add_argument("--batches", type=int, default=20, help="batches per box")
    parser.add_argument("--rows", type=int, default=100, help="rows per batch")
    parser.add_argument("--threads", type=int, default=4, help="threads per receiver process (and its pool's size)")
    parser.add_argument("--processes", type=int, default=2, help="receiver processes, measured after 1 process")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory(prefix="floorcraft-cloud-bench-") as folder:
        cluster = Cluster(durable=True).start()
        try:
            for processes in (1, args.processes):
                where = Path(folder) / f"p{processes}"
                where.mkdir()
                results[processes] = (
                    run("", where, args, processes),
                    run(cluster.new_database(), where, args, processes),
                )
        finally:
            cluster.stop()
    total = args.boxes * args.batches
    print(
        f"{args.boxes} boxes x {args.batches} batches x {args.rows} rows ({total} batches), {args.threads} threads each"
    )
    print(f"{'receiver processes':20}{'SQLite batches/s':>18}{'rows/s':>10}{'PostgreSQL batches/s':>22}{'rows/s':>10}")
    for processes, ((sb, sr), (pb, pr)) in results.items():
        print(f"{processes:<20}{sb:18.0f}{sr:10.0f}{pb:22.0f}{pr:10.0f}")
    line = " ".join(
        f"p{n}_sqlite_batches_s={sb:.0f} p{n}_sqlite_rows_s={sr:.0f} p{n}_postgres_batches_s={pb:.0f} "
        f"p{n}_postgres_rows_s={pr:.0f}"
        for n, ((sb, sr), (pb, pr)) in results.items()
    )
    print(f"RESULT cloud_ingest {line}")


if __name__ == "__main__":
    main()
