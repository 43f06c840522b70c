"""WDSF results (issue #11 point 2): the payload of the worked example equals the examples of formats.md
(tests/data/formats/wdsf), and `floorcraft federation wdsf` writes it or refuses bad input in plain words."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from appliance.federation.wdsf import WdsfIds, load_ids, results_payload
from tests.conftest import DATA, ROOT
from tests.federation.example import IDS, judge_all, judge_round, set_up

EXAMPLES = DATA / "formats" / "wdsf"


def _ids() -> WdsfIds:
    return load_ids(json.dumps(IDS).encode())


async def _payload(client, event_id: int, ids: WdsfIds | None = None):
    store = client.app.state["ctx"].store
    return await store.read(lambda conn: results_payload(conn, event_id, ids or _ids()))


async def test_the_payload_of_the_worked_example_is_the_wdsf_example(api, client):
    ids = await judge_all(api)
    payload = await _payload(client, ids["event"])
    assert payload == json.loads((EXAMPLES / "results-batch.json").read_text())
    couple = json.loads((EXAMPLES / "participant-couple-102.json").read_text())
    mine = next(p for p in payload if p["id"] == couple["id"])
    assert (mine["rank"], mine["rounds"]) == (couple["rank"], couple["rounds"])
    assert 2001105 not in {p["id"] for p in payload}  # the excused couple is a status, not results


async def test_no_payload_before_the_final_is_computed_nor_without_every_id(api, client):
    from appliance.federation.wdsf import WdsfError

    ids = await set_up(api)
    await judge_round(api, ids["first"], final=False)
    try:
        await _payload(client, ids["event"])
        raise AssertionError("a payload without a final")
    except WdsfError as exc:
        assert "no computed final yet" in str(exc)
    await judge_round(api, ids["final"], final=True)
    partial = WdsfIds(officials={"A": 8701, "B": 8702}, participants={"101": 1, "102": 2})
    try:
        await _payload(client, ids["event"], partial)
        raise AssertionError("a payload with missing ids")
    except WdsfError as exc:
        assert (
            str(exc)
            == "no WDSF official id for judge C; no WDSF participant id for bib 103, 104 (add them to the ids file)"
        )


def _cli(settings, *args):
    env = {"PATH": os.environ.get("PATH", ""), "FLOORCRAFT_DATA_DIR": settings.data_dir}
    return subprocess.run(
        [sys.executable, "-m", "appliance", "federation", "wdsf", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


async def test_the_cli_writes_the_payload_and_refuses_bad_input_with_exit_2(api, settings, tmp_path):
    ids = await judge_all(api)
    ids_file = tmp_path / "ids.json"
    ids_file.write_text(json.dumps(IDS))
    out = tmp_path / "wdsf.json"
    done = _cli(settings, "--event", str(ids["event"]), "--ids", str(ids_file), str(out))
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text()) == json.loads((EXAMPLES / "results-batch.json").read_text())

    bad_ids = tmp_path / "bad.json"
    bad_ids.write_text('{"officials": {"A": "x"}, "participants": {}}')
    cases = [
        (["--event", "99", "--ids", str(ids_file)], "no event 99"),
        (["--event", "0", "--ids", str(ids_file)], "out of range"),
        (["--event", str(ids["event"])], "--ids"),
        (["--event", str(ids["event"]), "--ids", str(tmp_path / "none.json")], "cannot read the ids file"),
        (["--event", str(ids["event"]), "--ids", str(bad_ids)], "the ids file is not right"),
    ]
    for args, words in cases:
        failed = _cli(settings, *args, str(tmp_path / "never.json"))
        assert failed.returncode == 2, failed
        lines = failed.stderr.strip().splitlines()
        assert len(lines) == 1 and words in lines[0] and lines[0].startswith("floorcraft: federation"), lines
        assert "Traceback" not in failed.stderr
    assert not (tmp_path / "never.json").exists()
