"""A small competition for the tests that need one: a 6-couple final (Cha Cha, Rumba) and a 10-couple event whose
1st round (Waltz, Tango) recalls 6, panel A-C, registration closed (bibs given, every first round drawn). Built
through the signed API by any `tests.conftest.Api` (in-process, or over loopback to a real server)."""

from __future__ import annotations

JUDGES = ("Ann Archer", "Bob Baker", "Cid Cooper")


async def two_events(api, judges: tuple[str, ...] = JUDGES) -> dict:
    """The competition, its two events and their plans (by event id); the couples are "F0 Lead" & "F0 Follow"..."""
    comp = await api.competition(floors=["Main floor"])
    for name in judges:
        await api.ok("POST", f"/api/competitions/{comp['id']}/adjudicators", 201, json={"name": name})
    final = await api.event(comp["id"], name="Final Only", style="latin", dances=["C", "R"])
    rounds = await api.event(comp["id"], name="Two Rounds", dances=["W", "T"])
    link = await api.link(comp["id"])
    for event, prefix, count in ((final, "F", 6), (rounds, "R", 10)):
        await api.ok("PUT", f"/api/events/{event['id']}/panel", json={"letters": ["A", "B", "C"]})
        for i in range(count):
            await api.register(link["token"], f"{prefix}{i} Lead", f"{prefix}{i} Follow", [event["id"]])
    await api.ok("POST", f"/api/competitions/{comp['id']}/close-registration", json={"seed": 1})
    plans = {e["id"]: await api.ok("GET", f"/api/events/{e['id']}/plan") for e in (final, rounds)}
    return {"competition": comp, "final": final["id"], "rounds": rounds["id"], "plans": plans}


def bibs(round_: dict) -> list[int]:
    """The bibs drawn into a round (as the plan shows it), in order."""
    return sorted(b for h in next(iter(round_["heats"].values())) for b in h)


async def key_in_final(api, round_: dict, dances=("C", "R")) -> None:
    """Every judge's sheet of the final keyed in by the scrutineer, all placing the couples in bib order."""
    places = {str(b): i + 1 for i, b in enumerate(bibs(round_))}
    for dance in dances:
        for judge in "ABC":
            await api.ok("POST", f"/api/rounds/{round_['id']}/sheets/{dance}/judges/{judge}", json={"places": places})
