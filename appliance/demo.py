"""The demo competition, created through the same services the API uses (never by writing tables)."""

from __future__ import annotations

import datetime as dt
import random

from appliance.model.competition import AdjudicatorIn, CompetitionIn, EventIn, PanelIn, Style
from appliance.model.registration import CoupleRegistration, RegistrationLinkIn
from appliance.model.rounds import CloseIn
from appliance.services import Context, provisioning, registration, setup

FIRST = [
    "Anna",
    "Ben",
    "Clara",
    "David",
    "Elena",
    "Felix",
    "Greta",
    "Hugo",
    "Ines",
    "Jonas",
    "Katja",
    "Lukas",
    "Mia",
    "Noah",
    "Olga",
    "Paul",
    "Rosa",
    "Simon",
    "Tara",
    "Umberto",
    "Vera",
    "Willem",
    "Yara",
    "Zoltan",
]
LAST = [
    "Adler",
    "Berger",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Horvath",
    "Ivanova",
    "Jansen",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Novak",
    "Olsen",
    "Petrov",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Varga",
]
CLUBS = [
    ("TSC Blau-Gold", "GER"),
    ("DC Amsterdam", "NED"),
    ("Ballroom Praha", "CZE"),
    ("Danza Milano", "ITA"),
    ("Studio Nord", "DEN"),
    ("Vienna Dance Club", "AUT"),
    ("Club Riviera", "FRA"),
]
JUDGES = [
    ("Margaret Holt", "GBR"),
    ("Peter Lang", "GER"),
    ("Ilse de Vries", "NED"),
    ("Tomas Hruby", "CZE"),
    ("Giulia Conti", "ITA"),
    ("Henrik Dahl", "DEN"),
    ("Sophie Laurent", "FRA"),
]
# name, style, dances, floor, entries (Adult Standard: 26 couples -> 1st round, semi-final, final)
EVENTS: list[tuple[str, Style, list[str], str, int, int]] = [
    ("Adult Standard Open", "standard", ["W", "T", "V", "F", "Q"], "Main floor", 26, 12),
    ("Adult Latin Open", "latin", ["C", "S", "R", "P", "J"], "Second floor", 18, 14),
    ("Youth Standard", "standard", ["W", "T", "Q"], "Main floor", 8, 12),
    ("Senior Latin", "latin", ["C", "R", "J"], "Second floor", 6, 14),
]
DEMO_NAME = "Floorcraft Demo Open"


def _couple(rng: random.Random, used: set[tuple[str, str]]) -> tuple[str, str, str, str]:
    while True:
        leader = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        follower = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if leader != follower and (leader, follower) not in used:
            used.add((leader, follower))
            club, country = rng.choice(CLUBS)
            return leader, follower, club, country


async def load_demo(ctx: Context, seed: int = 2026, today: dt.date | None = None) -> int:
    """Create, register and close the demo competition; returns its id."""
    today = today or dt.date.today()
    rng = random.Random(seed)  # noqa: S311 - the demo is the same every time  # nosec B311
    competition = await setup.create_competition(
        ctx,
        CompetitionIn(
            DEMO_NAME, today, today + dt.timedelta(days=1), "Floorcraft Hall", ["Main floor", "Second floor"]
        ),
    )
    for name, country in JUDGES:
        await setup.add_adjudicator(ctx, competition.id, AdjudicatorIn(name, country))
    events = []
    for name, style, dances, floor, _, per_heat in EVENTS:
        event = await setup.create_event(
            ctx, competition.id, EventIn(name, style, dances, floor=floor, max_per_heat=per_heat, final_size=6)
        )
        await setup.set_panel(ctx, event.id, PanelIn(list("ABCDEFG")))
        events.append(event)
    link = await registration.create_link(ctx, competition.id, RegistrationLinkIn("couple"))
    used: set[tuple[str, str]] = set()
    pool = [_couple(rng, used) for _ in range(44)]
    # 44 couples: the two Open events share them out; Youth and Senior couples also dance an Open event.
    chosen = [pool[:26], pool[26:44], rng.sample(pool, 8), rng.sample(pool, 6)]
    for event, couples in zip(events, chosen, strict=True):
        for leader, follower, club, country in couples:
            await registration.register_couple(
                ctx, link.token, CoupleRegistration(leader, follower, [event.id], club, country)
            )
    await provisioning.close_registration(ctx, competition.id, CloseIn(seed))
    return competition.id
