"""Issue #10 point 7: a scratch after the draw takes the couple out of its heat and every other couple keeps its
heat, unless the scrutineer asks for a redraw (`?redraw=true`); the tables rebuilt from the log agree."""

from __future__ import annotations

from pathlib import Path

from appliance.audit import audit
from tests.api.test_rounds import close, registered  # noqa: F401 - the fixture
from tests.conftest import enrolled


async def _standard(api, comp, standard) -> tuple[dict, list[dict]]:
    plan = await api.ok("GET", f"/api/events/{standard['id']}/plan")
    entries = [
        e for e in await api.ok("GET", f"/api/competitions/{comp['id']}/entries") if e["event_id"] == standard["id"]
    ]
    return plan, entries


def _without(heats: dict, bib: int) -> dict:
    return {dance: [[b for b in heat if b != bib] for heat in split] for dance, split in heats.items()}


def _rebuilt_identical(client, settings) -> None:
    store = client.app.state["ctx"].store
    report = store.read_sync(lambda conn: audit(conn, Path(settings.data_dir)))
    assert report.problems == [], report


async def test_a_scratch_after_the_draw_keeps_every_other_couples_heat(api, client, registered, settings):
    comp, standard, *_ = registered
    await close(api, comp)
    before, entries = await _standard(api, comp, standard)
    gone = entries[3]
    bib = gone["couple"]["bib"]
    scratched = await api.ok("POST", f"/api/entries/{gone['id']}/scratch")
    assert scratched["status"] == "scratched"
    after, _ = await _standard(api, comp, standard)
    first_before, first_after = before["rounds"][0], after["rounds"][0]
    assert first_after["id"] == first_before["id"] and first_after["seed"] == first_before["seed"]
    assert first_after["heats"] == _without(first_before["heats"], bib)
    assert first_after["planned_couples"] == 25 and after["entries"] == 25
    assert [r["recall"] for r in after["rounds"]] == [r["recall"] for r in before["rounds"]]
    order = await api.ok("GET", f"/api/floors/{comp['floors'][0]['id']}/running-order")
    assert all(bib not in item["bibs"] for item in order if item["round_id"] == first_after["id"])
    _rebuilt_identical(client, settings)


async def test_a_scratch_with_a_redraw_draws_the_first_round_again(api, client, registered, settings):
    comp, standard, *_ = registered
    await close(api, comp)
    before, entries = await _standard(api, comp, standard)
    bib = entries[3]["couple"]["bib"]
    await api.ok("POST", f"/api/entries/{entries[3]['id']}/scratch?redraw=true")
    after, _ = await _standard(api, comp, standard)
    heats = after["rounds"][0]["heats"]
    assert bib not in [b for split in heats.values() for h in split for b in h]
    assert heats != _without(before["rounds"][0]["heats"], bib)  # drawn again: couples moved between heats
    assert sorted(b for h in heats["W"] for b in h) == sorted(
        b for h in _without(before["rounds"][0]["heats"], bib)["W"] for b in h
    )
    _rebuilt_identical(client, settings)


async def test_a_scratch_that_leaves_the_plan_too_large_makes_a_new_plan(api, client, settings):
    """7 couples, final of 6: a 1st round recalls 6. With 6 couples left it cannot: one final, drawn anew."""
    comp = await api.competition(floors=["Main floor"])
    event = await api.event(comp["id"], name="Small", style="latin", dances=["C", "R"], final_size=6)
    link = await api.link(comp["id"])
    for i in range(7):
        await api.register(link["token"], f"Latin {i}", f"Partner {i}", [event["id"]])
    await close(api, comp)
    plan = await api.ok("GET", f"/api/events/{event['id']}/plan")
    assert [(r["kind"], r["recall"]) for r in plan["rounds"]] == [("recall", 6), ("final", None)]
    entries = await api.ok("GET", f"/api/competitions/{comp['id']}/entries")
    await api.ok("POST", f"/api/entries/{entries[0]['id']}/scratch")
    after = await api.ok("GET", f"/api/events/{event['id']}/plan")
    assert [(r["kind"], r["planned_couples"]) for r in after["rounds"]] == [("final", 6)]
    assert entries[0]["couple"]["bib"] not in after["rounds"][0]["heats"]["C"][0]
    _rebuilt_identical(client, settings)


async def test_scratch_refusals(api, client, registered):
    comp, standard, *_ = registered
    await close(api, comp)
    _, entries = await _standard(api, comp, standard)
    path = f"/api/entries/{entries[0]['id']}/scratch"
    await api.refused("POST", "/api/entries/999999/scratch", 404, "entry_id")
    await api.refused("POST", f"{path}?redraw=perhaps", 400, "redraw")
    head = await api.head()
    for role in ("chair", "display"):
        device = await enrolled(client, role, competition_id=comp["id"])
        head = await api.head()
        answer = await device.post(path)
        assert answer.status_code == 403, answer.text
        assert await api.head() == head
    other = await api.competition(name="Other Cup", floors=["Hall"])
    stranger = await enrolled(client, "scrutineer", competition_id=other["id"])
    head = await api.head()
    answer = await stranger.post(f"{path}?redraw=true")
    assert answer.status_code == 403 and await api.head() == head
    await api.ok("POST", path)
    await api.refused("POST", path, 409, "entry_id")
