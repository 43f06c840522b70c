"""Who went further than each round, as the change log says: the published results (services/public.py, built
from the log on the box and on the cloud) place star couples and redances as results.outcomes does from the
tables (services/joining.py): nobody goes out in a round its redance follows, and a couple out in a round ranks
below every couple of the next round, star couples included, and below those who danced its redance."""

from __future__ import annotations

from collections.abc import Callable

import msgspec

from appliance.i18n import _
from appliance.scoring.standings import RoundOutcome
from appliance.words import round_name


class JoiningLog:
    KINDS = ("round.advanced", "round.redance_added")

    def __init__(self) -> None:
        self.next: dict[int, int] = {}  # round id -> the round its couples went on to
        self.bibs: dict[int, set[int]] = {}  # round id -> the bibs drawn into it
        self.redances: dict[int, tuple[int, list[int]]] = {}  # redance id -> (the round it follows, carried ids)

    def apply(self, kind: str, payload: dict) -> None:
        if kind == "round.advanced":
            self.next[payload["from_round"]] = payload["round_id"]
            heats = payload["heats"].values()
            self.bibs[payload["round_id"]] = {b for split in heats for heat in split for b in heat}
        elif kind == "round.redance_added":
            self.redances[payload["round_id"]] = (payload["after_round"], payload["carried"])

    def order(self, round_id: int) -> float:
        """A sort key: a plan's rounds get ids in order; a redance (added later) sits right after its round."""
        after = self.redances.get(round_id)
        return round_id if after is None else after[0] + 0.5

    def outcome(
        self, outcome: RoundOutcome, round_id: int, unplaced: set[int], bib_of: Callable[[int], int | None]
    ) -> RoundOutcome:
        """The round's outcome with its redance's couples counted as recalled, and `ahead`: how many placed couples
        went further than those out in it (`unplaced`: the disqualified and those withdrawn in a recall round)."""
        if outcome.recalled is None:
            return outcome
        nxt = self.next.get(round_id)
        further = set(self.bibs.get(nxt, ())) if nxt is not None else set()
        recalled = outcome.recalled
        if nxt is not None and self.redances.get(nxt, (0, []))[0] == round_id:
            recalled = sorted(set(recalled) | (further - unplaced))
            further |= {b for c in self.redances[nxt][1] if (b := bib_of(c)) is not None}
            further |= self.bibs.get(self.next.get(nxt, 0), set())
        ahead = len((further or set(recalled)) - unplaced)
        return msgspec.structs.replace(outcome, recalled=recalled, ahead=ahead)


WORDS_KINDS = ("star.seeded", "event.redance_set", "round.redance_added", "event.star_deadline_set")


def in_words(kind: str, p: dict, couple: Callable[[int], str]) -> str:
    """A star couple, a redance or the star deadline in the chair's report's words."""
    if kind == "star.seeded":
        return _(
            "{couple} seeded into the {round} (star couple)",
            couple=couple(p["couple_id"]),
            round=round_name(p["round"]),
        )
    if kind == "event.redance_set":
        return _("a redance after the 1st round, recalling {n}", n=p["recall"]) if p["recall"] else _("no redance")
    if kind == "event.star_deadline_set":
        if p["deadline"]:
            return _("star couples seeded until {deadline}", deadline=p["deadline"])
        return _("star couples: no deadline")
    return _(
        "redance drawn: {couples} couples, recalling {recall} into the next round",
        couples=len(p["couples"]),
        recall=p["recall"],
    )
