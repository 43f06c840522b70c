"""The worked example of docs formats.md (the same small competition as tests/data/formats/wdsf and .../esv), judged
through the real API: a Latin event (Samba, Cha Cha, Rumba), judges A-C, bibs 101-105 with 105 excused (scratched),
a 1st round of 4 couples recalling 3, and a final of 3 in which Rule 10 puts 101 before 102."""

from __future__ import annotations

NAMES = [
    ("Anton Erster", "Berta Erster"),
    ("Carl Zweiter", "Dora Zweiter"),
    ("Emil Dritter", "Frieda Dritter"),
    ("Gustav Vierter", "Hanna Vierter"),
    ("Ivo Fuenfter", "Jana Fuenfter"),
]
DANCES = ["S", "C", "R"]
# dance -> judge -> the couples the judge crossed (3 each)
CROSSES = {
    "S": {"A": [101, 102, 103], "B": [101, 102, 103], "C": [101, 102, 104]},
    "C": {"A": [101, 102, 103], "B": [101, 102, 104], "C": [101, 102, 103]},
    "R": {"A": [101, 103, 104], "B": [101, 102, 103], "C": [101, 102, 103]},
}
# dance -> judge -> bib -> place
PLACES = {
    "S": {"A": {101: 1, 102: 2, 103: 3}, "B": {101: 1, 102: 2, 103: 3}, "C": {101: 2, 102: 1, 103: 3}},
    "C": {"A": {101: 1, 102: 2, 103: 3}, "B": {101: 2, 102: 1, 103: 3}, "C": {101: 1, 102: 2, 103: 3}},
    "R": {"A": {101: 3, 102: 1, 103: 2}, "B": {101: 2, 102: 1, 103: 3}, "C": {101: 3, 102: 2, 103: 1}},
}
IDS = {
    "competitionId": 60001,
    "officials": {"A": 8701, "B": 8702, "C": 8703},
    "participants": {str(b): 2001000 + b for b in range(101, 106)},
}


async def set_up(api) -> dict:
    """The competition, registration closed, 105 scratched, the chair's plan (recall 3): the round ids."""
    comp = await api.competition(name="Formats Example Cup", floors=["Main floor"], first_bib=101)
    for name in ("Ada Adam", "Ben Bauer", "Cora Cramer"):
        await api.ok("POST", f"/api/competitions/{comp['id']}/adjudicators", 201, json={"name": name})
    event = await api.event(comp["id"], name="Adult Latin", style="latin", dances=DANCES)
    await api.ok("PUT", f"/api/events/{event['id']}/panel", json={"letters": ["A", "B", "C"]})
    link = await api.link(comp["id"])
    for leader, follower in NAMES:
        body = {
            "leader": leader,
            "follower": follower,
            "club": "TSC Example",
            "country": "GER",
            "events": [event["id"]],
        }
        await api.ok("POST", f"/api/register/{link['token']}/couple", 201, json=body)
    await api.ok("POST", f"/api/competitions/{comp['id']}/close-registration", json={"seed": 1})
    entries = await api.ok("GET", f"/api/competitions/{comp['id']}/entries")
    excused = next(e for e in entries if e["couple"]["bib"] == 105)
    await api.ok("POST", f"/api/entries/{excused['id']}/scratch")
    plan = await api.ok("PUT", f"/api/events/{event['id']}/plan", json={"recalls": [3]})
    first, final = plan["rounds"]
    return {"competition": comp["id"], "event": event["id"], "first": first["id"], "final": final["id"]}


async def judge_round(api, round_id: int, final: bool, dances=DANCES) -> None:
    """The scrutineer keys in every judge's sheet of the round (as from paper)."""
    for dance in dances:
        for judge in "ABC":
            if final:
                body = {"places": {str(b): p for b, p in PLACES[dance][judge].items()}}
            else:
                body = {"crosses": CROSSES[dance][judge]}
            await api.ok("POST", f"/api/rounds/{round_id}/sheets/{dance}/judges/{judge}", json=body)


async def judge_all(api) -> dict:
    ids = await set_up(api)
    await judge_round(api, ids["first"], final=False)
    await judge_round(api, ids["final"], final=True)
    return ids
