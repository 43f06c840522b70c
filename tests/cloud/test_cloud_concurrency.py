"""Issue #14 point 5: 50 boxes pushing at once, each batch sent twice at the same moment to two receiver processes
on one database: every row of every box is stored once, in its chain (constraints and transactions, no lock in a
process)."""

from __future__ import annotations

import asyncio
import time

import httpx

from appliance.cloud.receiver import now_text
from appliance.db.cloud_backend import open_cloud
from tests.cloud.boxes import CloudProcess, FakeBox, pair_directly

BOXES, ROWS, BATCH = 50, 24, 8


async def push(http: httpx.AsyncClient, box: FakeBox, receivers: list[str]) -> int:
    """Send the box's log as the syncer would, every batch to both receivers at once; the requests it took."""
    acked, sent = 0, 0
    deadline = time.monotonic() + 60
    while acked < len(box.rows):
        assert sent < 40 and time.monotonic() < deadline, f"box {box.box} stuck at {acked}"
        body, headers = box.batch(acked + 1, min(acked + BATCH, len(box.rows)))
        sending = [http.post(f"{r}/cloud/batches", content=body, headers=headers) for r in receivers]
        answers = await asyncio.gather(*sending)
        sent += len(answers)
        for answer in answers:
            assert answer.status_code in (200, 409), answer.text  # 409: the other copy moved the head meanwhile
            if answer.status_code == 200:
                acked = max(acked, answer.json()["acked_seq"])
    return sent


async def test_fifty_boxes_pushing_at_once_to_two_receivers_store_every_batch_once(tmp_path, pg_url):
    store = open_cloud(tmp_path, pg_url, now_text())
    boxes = [FakeBox().filler(ROWS) for _ in range(BOXES)]
    for box in boxes:
        pair_directly(store, box)
    env = {"FLOORCRAFT_DATA_DIR": str(tmp_path), "FLOORCRAFT_CLOUD_DATABASE_URL": pg_url}
    receivers = [CloudProcess(env).launch(), CloudProcess(env).launch()]  # started side by side
    for r in receivers:
        r.start()
    try:
        limits = httpx.Limits(max_connections=200)
        async with httpx.AsyncClient(timeout=30, limits=limits) as http:
            sent = await asyncio.wait_for(
                asyncio.gather(*(push(http, box, [r.base for r in receivers]) for box in boxes)), 120
            )
        with store.transaction() as tx:
            rows = tx.all("SELECT box, seq, hash FROM cloud_log ORDER BY box, seq")
    finally:
        for r in receivers:
            r.stop()
        store.close()
    expected = sorted((box.box, r[0], r[6]) for box in boxes for r in box.rows)
    assert rows == expected  # every row of every box once, with its own hash: the chains are whole
    assert sum(sent) >= 2 * BOXES * (ROWS // BATCH)  # and every batch did arrive twice
