"""The disk's own tail: durable SQLite commits at the realistic benchmark's pace, with nothing of ours around them.

`bench/load.py --mode realistic` reports the officials' sheet p99; every sheet's answer waits for its commit's
fsync. This prints what the same kind of commit costs on this disk alone (WAL, synchronous=FULL, ~8 pages per
commit as a sheet's transaction writes, one commit every --gap s on average, at random), so that p99 can be read
against the storage's: when this script's p99/max moves from run to run, so does the product's.

    .venv/bin/python bench/commit_tail.py [--commits 300] [--gap 0.15] [--rows 10]

Bounded by --commits and by --limit seconds; the database is a temporary file in --dir (default: the current
directory's filesystem, as the product's data directory would be). Last line: RESULT commit_tail key=value ...
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import tempfile
import time


def percentile(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, int(len(values) * q))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--commits", type=int, default=300, help="commits to time (default 300)")
    parser.add_argument("--gap", type=float, default=0.15, help="mean seconds between commits (default 0.15)")
    parser.add_argument("--rows", type=int, default=10, help="3 KB rows per commit (default 10: ~8 pages)")
    parser.add_argument("--limit", type=float, default=120.0, help="stop after this many seconds (default 120)")
    parser.add_argument("--dir", default=".", help="where the temporary database goes (default .)")
    args = parser.parse_args()
    rng = random.Random(7)  # noqa: S311 - a pace, not a secret
    took: list[float] = []
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        conn = sqlite3.connect(os.path.join(tmp, "tail.db"), isolation_level=None)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("CREATE TABLE t (a BLOB)")
        deadline = time.monotonic() + args.limit
        while len(took) < args.commits and time.monotonic() < deadline:
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany("INSERT INTO t VALUES (?)", [(os.urandom(3000),) for _ in range(args.rows)])
            start = time.perf_counter()
            conn.execute("COMMIT")
            took.append((time.perf_counter() - start) * 1000)
            time.sleep(rng.uniform(0, 2 * args.gap))
        conn.close()
    took.sort()
    slow = sum(t > 5 for t in took)
    print(
        f"{len(took)} durable commits of {args.rows} rows, one every {args.gap} s on average: "
        f"p50 {percentile(took, 0.5):.2f} ms, p90 {percentile(took, 0.9):.2f}, p99 {percentile(took, 0.99):.2f}, "
        f"max {took[-1]:.2f}; {slow} over 5 ms"
    )
    print(
        f"RESULT commit_tail commits={len(took)} p50_ms={percentile(took, 0.5):.2f} "
        f"p99_ms={percentile(took, 0.99):.2f} max_ms={took[-1]:.2f} over_5ms={slow}"
    )


if __name__ == "__main__":
    main()
