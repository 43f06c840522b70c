"""Who dances the next round (issue #10 points 5 and 6): the couples recalled, the star couples seeded into it,
and, after a redance, the couples its round recalled straight through plus those the redance recalled.

A redance ("Hoffnungsrunde") is a recall round of its own, numbered right after the round it follows (the later
rounds and their star couples move one on). It is added when it is drawn: after the 1st round when the event has
one (the chair's setting, `events.redance_recall`: the couples not recalled dance it), or at a tie on a cut when
the chair resolves it by a redance of the tied couples. Its recalled couples join the next round together with
the couples recalled from the round it follows (`carried`). For the places (scoring/standings), every couple who
danced the redance went further than the round it follows, and the couples out in the redance rank below all
who dance the next round, by their redance crosses (domain.md "Placings of couples who went out early").
"""

from __future__ import annotations

import itertools
import sqlite3

from appliance.db import competitions as comp_db
from appliance.db import marks as marks_db
from appliance.db import registration as reg_db
from appliance.db import rounds as rounds_db
from appliance.db import stars as db
from appliance.errors import Conflict
from appliance.i18n import _
from appliance.model.competition import Event
from appliance.services import Context, absences, lookups
from appliance.words import round_name

REDANCE = "Redance"


def joining(conn: sqlite3.Connection, event_id: int) -> dict[int, int]:
    """round number -> couples who join it besides the recalled: star couples, and the recalled of the event's
    redance after the 1st round while that redance is still to be danced (for the plan)."""
    found = db.joining(conn, event_id)
    recall = db.redance_recall(conn, event_id)
    first = next(iter(rounds_db.rounds_of(conn, event_id)), None)
    if recall and first is not None and db.redance_after(conn, first["id"]) is None:
        found[2] = found.get(2, 0) + recall
    return found


def recount(conn: sqlite3.Connection, event_id: int) -> dict[int, int]:
    """round id -> planned couples of every round not drawn yet: the recall of the round before it (a redance:
    plus the couples carried past it), plus the couples who join it."""
    rows = rounds_db.rounds_of(conn, event_id)
    joins = joining(conn, event_id)
    found = {}
    for before, row in itertools.pairwise(rows):
        if row["state"] == "planned":
            carried = len(db.carried(before))
            found[row["id"]] = (before["recall"] or 0) + carried + joins.get(row["number"], 0)
    return found


def require_fits(conn: sqlite3.Connection, event_id: int, planned: dict[int, int], field: str) -> None:
    """Conflict naming the first round that would recall as many couples as dance it, or a final over 8."""
    for row in rounds_db.rounds_of(conn, event_id):
        couples = planned.get(row["id"], row["planned_couples"])
        if row["kind"] == "recall" and row["state"] in ("planned", "drawn") and not (row["recall"] or 0) < couples:
            raise Conflict(
                _(
                    "the {name} would dance {couples} couples and recall {recall}: change "
                    "the plan first (PUT /api/events/{{id}}/plan)",
                    name=round_name(row["name"]),
                    couples=couples,
                    recall=row["recall"],
                ),
                field,
            )
        if row["kind"] == "final" and couples > 8:
            raise Conflict(_("the final would dance {couples} couples; a final has at most 8", couples=couples), field)


def add_redance(
    ctx: Context, conn: sqlite3.Connection, after: sqlite3.Row, couples: list[int], carried: list[int], recall: int
) -> sqlite3.Row:
    """A redance right after the round `after`, for `couples` (ids), recalling `recall` into the next round with
    the `carried` couples; logged with what a rebuild needs (db/replay_stars.py)."""
    event_id = after["event_id"]
    db.make_room_after(conn, event_id, after["number"])
    from appliance.services.provisioning import round_seed  # provisioning imports the plan's use cases

    competition = lookups.event(conn, event_id).competition_id
    seed = round_seed(comp_db.draw_seed(conn, competition) or 0, event_id, 1000 + after["number"])
    values = {"name": REDANCE, "recall": recall, "seed": seed, "carried": sorted(carried), "couples": sorted(couples)}
    round_id = db.insert_redance(conn, after, values)
    rounds_db.set_round_couples(conn, round_id, sorted(couples))
    planned = recount(conn, event_id)
    db.set_planned(conn, planned)
    ctx.log(
        conn,
        "round.redance_added",
        f"round/{round_id}",
        {"event_id": event_id, "after_round": after["id"], "round_id": round_id, **values, "planned": planned},
    )
    return lookups.round_row(conn, round_id)


def _gone(conn: sqlite3.Connection, event_id: int) -> set[int]:
    withdrawn, dq = absences.of_event(conn, event_id)
    return {o["couple_id"] for o in [*withdrawn.values(), *dq.values()]}


def target(
    ctx: Context, conn: sqlite3.Connection, row: sqlite3.Row, event: Event, recalled: list[int]
) -> tuple[sqlite3.Row, list[int]]:
    """The round the recalled couples (bibs) of `row` lead to, and the couple ids who dance it: the event's
    redance after the 1st round (added now) for those not recalled; else the next round, with the couples a
    redance carried past and the star couples seeded into it."""
    bibs = marks_db.round_bibs(conn, row["id"])
    through = [bibs[b] for b in recalled]
    redance = db.redance_after(conn, row["id"])
    recall = db.redance_recall(conn, event.id)
    if redance is None and row["number"] == 1 and recall:
        left = [c for c in bibs.values() if c not in through and c not in _gone(conn, event.id)]
        if len(left) > recall:
            redance = add_redance(ctx, conn, row, left, through, recall)
        else:
            through += left  # as few as it would recall: every one of them goes through
    if redance is not None:
        return redance, rounds_db.round_couples(conn, redance["id"])
    following = [r for r in rounds_db.rounds_of(conn, event.id) if r["number"] == row["number"] + 1]
    if not following:
        raise Conflict(_("the plan has no round after this one"), "round_id")
    nxt = following[0]
    stars = [c for c, n in db.stars_of(conn, event.id).items() if n == nxt["number"]]
    return nxt, sorted(set(through) | ({*db.carried(row), *stars} - _gone(conn, event.id)))


def further(conn: sqlite3.Connection, rounds: list[sqlite3.Row], i: int) -> set[int]:
    """The bibs of every couple who went further than the couples out in round `i` (the standings' `ahead`): the
    next round's couples; when that is round i's redance, the redance's, the carried ones and the round after."""
    if i + 1 >= len(rounds):
        return set()
    nxt = rounds[i + 1]
    found = set(marks_db.round_bibs(conn, nxt["id"]))
    if nxt["redance_of"] == rounds[i]["id"]:
        ids = set(db.carried(nxt))
        found |= {b for b in reg_db.bibs(conn, sorted(ids)).values() if b is not None}
        if i + 2 < len(rounds):
            found |= set(marks_db.round_bibs(conn, rounds[i + 2]["id"]))
    return found


def went_through(conn: sqlite3.Connection, rounds: list[sqlite3.Row], i: int, recalled: list[int]) -> list[int]:
    """Round i's recalled bibs, plus the couples who danced its redance: none of them went out in round i."""
    if i + 1 < len(rounds) and rounds[i + 1]["redance_of"] == rounds[i]["id"]:
        return sorted(set(recalled) | set(marks_db.round_bibs(conn, rounds[i + 1]["id"])))
    return recalled


def round_key(conn: sqlite3.Connection, row: sqlite3.Row) -> int | str:
    """The federations' round key: "F" for the final, "R" for a redance, else the round's number counting no
    redance (formats.md 1.6: 1, R, 2..9, F)."""
    if row["kind"] == "final":
        return "F"
    if row["redance_of"] is not None:
        return "R"
    return int(row["number"]) - db.redances_before(conn, row["event_id"], row["number"])
