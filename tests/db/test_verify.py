"""Issue #9 point 10: tamper evidence without gaps.

`floorcraft verify` checks the hash chain, the box's signed checkpoints kept outside the database (a deleted
tail of the log shows) and rebuilds every derived table from the log alone, naming the first row that
differs; exports carry the checkpoints and `verify-export` checks them; a sheet's receipt names its row.
"""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest

from tests.conftest import enrolled, floorcraft


@pytest.fixture(scope="module")
def judged_box(judged_demo):
    """The demo judged to official results by simulated tablets through the signed API (as `./dev` does)."""
    return judged_demo


@pytest.fixture
def box(judged_box, tmp_path):
    """A copy of the judged box's data dir (database, box key, checkpoints) to tamper with."""
    data = tmp_path / "data"
    shutil.copytree(judged_box, data)
    return data


def sql(data, statement: str, *params) -> None:
    conn = sqlite3.connect(data / "floorcraft.sqlite3")
    conn.execute(statement, params)
    conn.commit()
    conn.close()


def one(data, query: str, *params):
    conn = sqlite3.connect(data / "floorcraft.sqlite3")
    try:
        return conn.execute(query, params).fetchone()
    finally:
        conn.close()


def test_an_untouched_judged_demo_verifies_with_every_table_rebuilt(box):
    run = floorcraft(box, "verify")
    out = run.stdout.decode()
    assert run.returncode == 0, out
    assert "change log intact" in out and "signed by the box" in out
    assert "rebuilt from the change log and identical: competitions" in out
    for table in ("sheets", "results", "rounds", "heats", "couples", "entries", "devices"):
        assert table in out.split("identical:")[1].split("\n")[0]
    assert "not rebuilt: enrolments" in out  # secrets are excluded, and verify says so


def test_a_deleted_tail_of_the_change_log_is_named(box):
    head = one(box, "SELECT max(seq) FROM change_log")[0]
    checkpointed = [json.loads(line)["seq"] for line in (box / "checkpoints.jsonl").read_text().splitlines()]
    assert max(checkpointed) == head  # the CLI checkpointed its last commit at close
    sql(box, "DELETE FROM change_log WHERE seq > ?", head - 5)  # the chain that is left is intact
    run = floorcraft(box, "verify")
    out = run.stdout.decode()
    assert run.returncode == 1, out
    assert "TAIL IS MISSING" in out and f"rows {head - 4} to {head} were deleted" in out


def test_an_edited_sheet_is_named_by_table_row_and_column(box):
    sheet_id, marks = one(box, "SELECT id, marks FROM sheets WHERE marks LIKE '[%' ORDER BY id LIMIT 1")
    forged = json.dumps([*json.loads(marks)[1:], 999])
    sql(box, "UPDATE sheets SET marks = ? WHERE id = ?", forged, sheet_id)
    run = floorcraft(box, "verify")
    out = run.stdout.decode()
    assert run.returncode == 1, out
    assert f"sheets row id={sheet_id}, column marks" in out and "change log intact" in out


def test_an_edited_result_and_a_deleted_sheet_are_named(box):
    round_id, result = one(box, "SELECT round_id, result FROM results WHERE kind = 'final' ORDER BY round_id LIMIT 1")
    places = json.loads(result)
    first, second = sorted(places["places"], key=lambda b: places["places"][b])[:2]
    places["places"][first], places["places"][second] = places["places"][second], places["places"][first]
    sql(box, "UPDATE results SET result = ? WHERE round_id = ?", json.dumps(places), round_id)
    run = floorcraft(box, "verify")
    assert run.returncode == 1 and f"results row round_id={round_id}, column result" in run.stdout.decode()
    sheet_id = one(box, "SELECT max(id) FROM sheets")[0]
    sql(box, "DELETE FROM sheets WHERE id = ?", sheet_id)
    run = floorcraft(box, "verify")
    assert (
        run.returncode == 1
        and f"sheets row id={sheet_id} is in the change log but not in the database" in run.stdout.decode()
    )


def test_a_device_added_behind_the_logs_back_is_named(box):
    sql(box, "INSERT INTO devices (id, role, key, enrolled_at) VALUES ('intruder', 'scrutineer', x'00', 'now')")
    run = floorcraft(box, "verify")
    assert (
        run.returncode == 1
        and "devices row id='intruder' is in the database but not in the change log" in run.stdout.decode()
    )


def test_a_forged_checkpoint_is_named(box):
    path = box / "checkpoints.jsonl"
    lines = path.read_text().splitlines()
    forged = json.loads(lines[-1]) | {"seq": json.loads(lines[-1])["seq"] + 100, "hash": "f" * 64}
    path.write_text("\n".join([*lines, json.dumps(forged)]) + "\n")
    run = floorcraft(box, "verify")
    out = run.stdout.decode()
    assert run.returncode == 1 and f"line {len(lines) + 1} (seq {forged['seq']}" in out
    assert "signature does not match the box key" in out


def test_an_export_carries_the_checkpoints_and_verify_export_checks_them(box, tmp_path):
    stick = tmp_path / "stick"
    stick.mkdir()  # the stick's mount point (export refuses a folder that does not exist)
    assert floorcraft(box, "export", str(stick)).returncode == 0
    folder = next(stick.glob("floorcraft-export-*"))
    manifest = json.loads((folder / "MANIFEST.json").read_text())
    assert "checkpoints.jsonl" in manifest["files"]
    newest = json.loads((folder / "checkpoints.jsonl").read_text().splitlines()[-1])
    assert (newest["seq"], newest["hash"]) == (manifest["change_log_head"]["seq"], manifest["change_log_head"]["hash"])
    assert floorcraft(box, "verify-export", str(folder)).returncode == 0
    # a box whose log lost its tail: the export made from it shows the missing rows
    head = one(box, "SELECT max(seq) FROM change_log")[0]
    sql(box, "DELETE FROM change_log WHERE seq > ?", head - 3)
    later = tmp_path / "later"
    later.mkdir()
    assert floorcraft(box, "export", str(later)).returncode == 0
    run = floorcraft(box, "verify-export", str(next(later.glob("floorcraft-export-*"))))
    assert run.returncode == 1 and b"TAIL IS MISSING" in run.stdout


async def test_a_sheets_receipt_names_its_change_log_row(api, client):
    comp = await api.competition(floors=["Main floor"])
    await api.ok("POST", f"/api/competitions/{comp['id']}/adjudicators", 201, json={"name": "Ann"})
    final = await api.event(comp["id"], name="Final", style="latin", dances=["C"])
    await api.ok("PUT", f"/api/events/{final['id']}/panel", json={"letters": ["A"]})
    link = await api.link(comp["id"])
    for i in range(6):
        await api.register(link["token"], f"F{i}", f"P{i}", [final["id"]])
    await api.ok("POST", f"/api/competitions/{comp['id']}/close-registration", json={"seed": 1})
    plan = await api.ok("GET", f"/api/events/{final['id']}/plan")
    rnd = plan["rounds"][0]
    bibs = sorted(b for h in rnd["heats"]["C"] for b in h)
    tablet = await enrolled(client, "adjudicator", competition_id=comp["id"], judge="A")
    answer = await tablet.post(
        f"/api/rounds/{rnd['id']}/sheets/C", {"places": {str(b): i + 1 for i, b in enumerate(bibs)}}
    )
    assert answer.status_code == 200
    receipt = answer.json()
    store = client.app.state["ctx"].store
    row = store.read_sync(
        lambda conn: conn.execute(
            "SELECT kind, payload, hash FROM change_log WHERE seq = ?", (receipt["seq"],)
        ).fetchone()
    )
    assert row["kind"] == "sheet.submitted" and row["hash"] == receipt["hash"]
    assert json.loads(row["payload"])["checksum"] == receipt["checksum"]


async def test_every_kind_of_change_is_rebuilt_exactly(api, client, settings):
    """Edits, scratches before and after the close, a late entry (the plan redrawn), floor moves, amended and
    keyed sheets, a tie at the cut decided by the chair, a correction with the chair's PIN, a sign-off and a
    revoked device: the tables rebuilt from the log equal the database's, and an edit is still named."""
    from pathlib import Path

    from appliance.audit import audit

    comp = await api.competition(floors=["Main floor"])
    cid = comp["id"]
    for name in ("Ann", "Bob", "Cid", "Dee"):
        await api.ok("POST", f"/api/competitions/{cid}/adjudicators", 201, json={"name": name})
    event = await api.event(cid, name="Two Rounds", dances=["W"], max_per_heat=6)
    await api.ok("PUT", f"/api/events/{event['id']}/panel", json={"letters": ["A", "B", "C"]})
    link = await api.link(cid)
    couples = [await api.register(link["token"], f"L{i}", f"F{i}", [event["id"]]) for i in range(12)]
    await api.ok("PATCH", f"/api/couples/{couples[0]['couple']['id']}", json={"club": "TSC Gelb"})
    await api.ok("POST", f"/api/entries/{couples[1]['entries'][0]['id']}/scratch")
    csv = "leader,follower,club,country,events\nImp One,Imp Two,,,Two Rounds\nL3,F3,,,Two Rounds\n"
    report = await api.ok("POST", f"/api/competitions/{cid}/entries/import?skip_invalid=true", content=csv.encode())
    assert report["imported"] == 1  # L3 / F3 are entered already
    await api.ok("POST", f"/api/competitions/{cid}/close-registration", json={"seed": 7})
    await api.ok(
        "POST",
        f"/api/events/{event['id']}/entries",
        201,
        json={"leader": "Late", "follower": "Comer", "club": "", "country": ""},
    )
    await api.ok("POST", f"/api/entries/{couples[2]['entries'][0]['id']}/scratch")
    floor = comp["floors"][0]["id"]
    await api.ok("POST", f"/api/floors/{floor}/start")
    await api.ok("POST", f"/api/floors/{floor}/next")
    plan = await api.ok("GET", f"/api/events/{event['id']}/plan")
    first = plan["rounds"][0]
    bibs = sorted(b for h in first["heats"]["W"] for b in h)
    recall = first["recall"]
    tablets = {j: await enrolled(client, "adjudicator", competition_id=cid, judge=j) for j in "AB"}
    entries = {e["couple"]["bib"]: e["id"] for e in await api.ok("GET", f"/api/competitions/{cid}/entries")}
    assert recall + 1 < len(bibs) - 2  # the couple withdrawn below is on no sheet
    await api.ok("POST", f"/api/entries/{entries[bibs[-2]]}/withdraw", json={"reason": "injury"})
    sure = bibs[: recall - 1]  # every judge recalls these; the last place splits three ways: a tie at the cut
    path = f"/api/rounds/{first['id']}/sheets/W"
    assert (await tablets["A"].post(path, {"crosses": [*sure, bibs[-1]]})).status_code == 200
    assert (await tablets["A"].post(path, {"crosses": [*sure, bibs[recall - 1]]})).status_code == 200  # amended
    assert (await tablets["B"].post(path, {"crosses": [*sure, bibs[recall]]})).status_code == 200
    keyed = await api.ok("POST", f"{path}/judges/C", json={"crosses": [*sure, bibs[recall + 1]]})
    assert keyed["round_state"] == "awaiting_chair"
    chair = await enrolled(client, "chair", competition_id=cid)
    assert (await chair.post(f"/api/rounds/{first['id']}/decision", {"recall": recall - 1})).status_code == 200
    final = (await api.ok("GET", f"/api/events/{event['id']}/plan"))["rounds"][-1]
    await api.ok("PUT", f"/api/rounds/{final['id']}/panel", json={"letters": ["A", "B", "D"], "reason": "C is ill"})
    await api.ok("PUT", f"/api/events/{event['id']}/panel", json={"letters": ["A", "B", "C"], "reason": "C is back"})
    finalists = sorted(b for h in final["heats"]["W"] for b in h)
    tablets["C"] = await enrolled(client, "adjudicator", competition_id=cid, judge="C")
    for j in "ABC":
        sheet = {"places": {str(b): i + 1 for i, b in enumerate(finalists)}}
        assert (await tablets[j].post(f"/api/rounds/{final['id']}/sheets/W", sheet)).status_code == 200
    assert (await chair.put(f"/api/competitions/{cid}/chair-pin", {"pin": "246813"})).status_code == 204
    flipped = {"places": {str(b): len(finalists) - i for i, b in enumerate(finalists)}}
    await api.ok(
        "POST", f"/api/rounds/{final['id']}/sheets/W/judges/A/correction", json={"sheet": flipped, "pin": "246813"}
    )
    assert (await chair.post(f"/api/rounds/{final['id']}/sign-off")).status_code == 200
    dq = await chair.post(f"/api/entries/{entries[finalists[0]]}/disqualify", {"reason": "conduct", "pin": "246813"})
    assert dq.status_code == 200, dq.text  # the final computed again without the couple, still official
    await api.ok("POST", f"/api/devices/{tablets['A'].device_id}/revoke")

    store = client.app.state["ctx"].store
    report = store.read_sync(lambda conn: audit(conn, Path(settings.data_dir)))
    assert report.problems == [] and any("identical" in n for n in report.notes), report
    rows = store.read_sync(lambda conn: conn.execute("SELECT DISTINCT kind FROM change_log").fetchall())
    kinds = {r[0] for r in rows}
    assert {
        "couple.updated",
        "entry.scratched",
        "round.decided",
        "sheet.amended",
        "sheet.corrected",
        "result.official",
        "device.revoked",
        "floor.next",
        "round.panel_set",
        "panel.set",
        "couple.withdrawn",
        "couple.disqualified",
    } <= kinds
    store.write_sync(
        lambda conn: conn.execute(
            "UPDATE entries SET status = 'entered' WHERE id = ?", (couples[2]["entries"][0]["id"],)
        )
    )
    report = store.read_sync(lambda conn: audit(conn, Path(settings.data_dir)))
    assert report.problems == [
        f"derived table differs from the change log: entries row "
        f"id={couples[2]['entries'][0]['id']}, column status: the database has 'entered', "
        "the change log says 'scratched'"
    ]


def test_the_server_checkpoints_its_head_when_it_stops(tmp_path):
    from tests.server import Server

    data = tmp_path / "data"
    data.mkdir()
    server = Server(data, demo=True).start()
    try:
        server.terminate()
    finally:
        server.kill()
    head = one(data, "SELECT seq, hash FROM change_log ORDER BY seq DESC LIMIT 1")
    newest = json.loads((data / "checkpoints.jsonl").read_text().splitlines()[-1])
    assert (newest["seq"], newest["hash"]) == tuple(head)
    run = floorcraft(data, "verify")
    assert run.returncode == 0 and b"signed by the box" in run.stdout, run.stdout


def test_restoring_an_older_backup_sets_the_replaced_logs_checkpoints_aside(box):
    assert floorcraft(box, "backup").returncode == 0
    older = next((box / "backups").glob("floorcraft-*.sqlite3"))
    assert floorcraft(box, "enrol", "--role", "scrutineer").returncode == 0  # one more row, checkpointed
    run = floorcraft(box, "restore", str(older))
    assert run.returncode == 0, run.stderr
    assert list((box / "backups").glob("before-restore-*.checkpoints.jsonl"))
    run = floorcraft(box, "verify")
    assert run.returncode == 0, run.stdout


def test_files_root_makes_in_the_data_dir_belong_to_the_boxs_user(tmp_path):
    """The USB export runs as root: the checkpoints and the box key it may create stay writable by the box's user."""
    import os

    from appliance.box.export import box_key
    from appliance.trust import checkpoints

    if os.geteuid() != 0:
        raise AssertionError("the suite runs as root (README: what the tests need)")
    data = tmp_path / "data"
    data.mkdir()
    os.chown(data, 65534, 65534)
    box_key(data)
    checkpoints.append(data / "checkpoints.jsonl", b"{}\n")
    for name in ("box_ed25519.key", "checkpoints.jsonl"):
        assert (os.stat(data / name).st_uid, os.stat(data / name).st_gid) == (65534, 65534), name
