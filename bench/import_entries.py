"""Import benchmark: a CSV file of N couples (each in two events) through the service, on a fresh database.

Prints the rows per second and the longest single write transaction (what a judge's sheet can wait at most);
last line: RESULT import rows=N seconds=... longest_write_ms=...

    .venv/bin/python bench/import_entries.py [--rows 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from appliance.db.store import Store  # noqa: E402
from appliance.model.competition import CompetitionIn, EventIn  # noqa: E402
from appliance.services import Context, registration, setup  # noqa: E402
from appliance.settings import Settings  # noqa: E402


def csv_text(rows: int) -> str:
    lines = ["leader,follower,club,country,events"]
    lines += [f"Leader {i},Follower {i},Club {i % 97},GER,Adult Standard;Adult Latin" for i in range(rows)]
    return "\n".join(lines) + "\n"


class TimedStore(Store):
    """The store, noting how long each write transaction held the writer."""

    longest = 0.0

    def write_sync(self, fn):
        started = time.monotonic()
        try:
            return super().write_sync(fn)
        finally:
            TimedStore.longest = max(TimedStore.longest, time.monotonic() - started)


async def main(rows: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = TimedStore(Path(folder) / "floorcraft.sqlite3")
        ctx = Context(store, Settings(data_dir=folder, mdns=False))
        comp = await setup.create_competition(
            ctx, CompetitionIn("Bench Cup", dt.date(2026, 12, 5), dt.date(2026, 12, 5), "Hall")
        )
        await setup.create_event(ctx, comp.id, EventIn("Adult Standard", "standard", ["W", "T"]))
        await setup.create_event(ctx, comp.id, EventIn("Adult Latin", "latin", ["C", "S"]))
        text = csv_text(rows)
        TimedStore.longest = 0.0
        started = time.monotonic()
        report = await registration.import_entries(ctx, comp.id, text)
        took = time.monotonic() - started
        store.close()
    assert report.imported == rows, report
    print(f"{rows} rows in {took:.2f} s ({rows / took:.0f} rows/s); longest write {TimedStore.longest * 1000:.0f} ms")
    print(f"RESULT import rows={rows} seconds={took:.2f} longest_write_ms={TimedStore.longest * 1000:.0f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    asyncio.run(main(parser.parse_args().rows))
