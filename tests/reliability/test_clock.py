"""T9: the box's wall clock jumps backwards and forwards mid-competition (a Pi without an RTC): ordering,
results and the live stream follow the change log's seq and are unaffected."""

from __future__ import annotations

import datetime as dt
import itertools
import json

from litestar.testing import AsyncTestClient

from appliance.app import create_app
from appliance.cli import calculator
from appliance.db import changelog
from appliance.db.store import Store
from appliance.demo import load_demo
from appliance.services import Context
from appliance.simulate import Simulation
from tests.conftest import enrolled


class JumpingClock:
    """Real time until `jumping` is set; then each reading jumps: -3 h, +2 days, -1 year, ... around real time."""

    def __init__(self):
        self.jumping = False
        self.offsets = [dt.timedelta(hours=-3), dt.timedelta(days=2), dt.timedelta(days=-365), dt.timedelta(0)]
        self.calls = 0

    def __call__(self) -> str:
        now = dt.datetime.now(dt.UTC)
        if self.jumping:
            self.calls += 1
            now += self.offsets[self.calls % len(self.offsets)]
        return now.isoformat(timespec="milliseconds")


async def test_t9_clock_jumps_change_nothing_but_the_timestamps(settings, tmp_path):
    clock = JumpingClock()
    store = Store(tmp_path / "clock.sqlite3", clock=clock)
    await load_demo(Context(store, settings), today=dt.date(2026, 12, 5))
    async with AsyncTestClient(create_app(settings, store)) as client:
        desk = await enrolled(client)
        simulation = Simulation(client, desk, 1, seed=4)
        await simulation.enrol_officials()
        clock.jumping = True  # mid-competition: every reading of the clock jumps from here on
        await simulation.run()
        backlog = await client.app.state["hub"].backlog(0, None)
        for event in (await desk.get("/api/competitions/1/events")).json():
            final = (await desk.get(f"/api/events/{event['id']}/plan")).json()["rounds"][-1]
            result = (await desk.get(f"/api/rounds/{final['id']}/result")).json()
            sheet = (await desk.get(f"/api/rounds/{final['id']}/marks")).json()
            expected = calculator.to_json(calculator.compute(calculator.parse_sheet(json.dumps(sheet).encode())))
            assert result["official"] and result["places"] == expected["result"]
    rows = store.read_sync(lambda conn: conn.execute("SELECT seq, at FROM change_log ORDER BY seq").fetchall())
    store.close()
    seqs = [r[0] for r in rows]
    stamps = [r[1] for r in rows]
    assert seqs == list(range(1, len(seqs) + 1))
    assert any(b < a for a, b in itertools.pairwise(stamps))  # the clock did go backwards
    assert [f[0] for f in backlog] == sorted(f[0] for f in backlog)  # the stream follows seq, not the clock
    assert clock.calls > 100
    reopened = Store(tmp_path / "clock.sqlite3")
    assert reopened.read_sync(changelog.verify)[1] is None
    reopened.close()
