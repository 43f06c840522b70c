"""The blank judges' slips for the paper fallback, laid out (pure): one slip per round, dance and judge.

A slip carries everything a judge and the scrutineer need once it is cut off its page: the competition, event,
round and dance, the judge's letter and name, the bibs of that dance's heats with a box each (rows of at most
`PER_ROW` bibs, so a 48-couple heat still fits the width), the recall quota ("Mark exactly 12 couples") or, in a
final, the places to write, and a signature line. Slips are stacked per judge (a judge's pad for the round: one
slip per dance, handed in after each dance) and as many share an A4 page as fit (four, three, two or one, with a cut
line between them), every round starting on a page of its own so the page header names it.
"""

from __future__ import annotations

from collections.abc import Callable

from appliance.i18n import _

PER_ROW = 14
"""Bibs in one row of boxes (11 mm each beside the heat label, within the A4 page's 182 mm)."""

PAGE_MM = 253.0
"""The A4 page's content height (297 mm less the 22 + 18 mm margins), less room for the cut lines."""

SLIP_MM = 36.0
"""A slip without its rows of boxes: the title line, the judge, the quota, the signature line, the padding."""

ROW_MM = 12.5
"""One row of bibs with its boxes, and the gap after it."""

FINAL_MM = 3.0
"""A final's boxes are taller: a judge writes a place in each."""

MOST = 4
"""Slips on a page at most (a quarter of A4 is still a slip a judge can hold and write on)."""


def rows_of(heats: list[list[int]]) -> list[dict]:
    """A dance's heats as rows of boxes: the heat label on a heat's first row (none for a single heat)."""
    rows = []
    for number, heat in enumerate(heats, 1):
        for start in range(0, len(heat), PER_ROW):
            label = _("Heat {number}", number=number) if len(heats) > 1 and start == 0 else ""
            rows.append({"label": label, "bibs": heat[start : start + PER_ROW]})
    return rows


def per_page(rows: int, final: bool = False) -> int:
    """How many slips of `rows` rows of boxes fit on an A4 page: four, three, two or one."""
    height = SLIP_MM + rows * (ROW_MM + (FINAL_MM if final else 0.0))
    return max(1, min(MOST, int(PAGE_MM // height)))


def round_slips(
    name: str,
    kind: str,
    recall: int | None,
    heats: dict[str, list[list[int]]],
    panel: list[tuple[str, str]],
    dance_name: Callable[[str], str],
) -> dict:
    """One round's slips, judge by judge and dance by dance, grouped into pages."""
    couples = len({b for split in heats.values() for h in split for b in h})
    dances = [(dance_name(d), rows_of(split)) for d, split in heats.items()]
    slips = [
        {
            "round": name,
            "final": kind != "recall",
            "recall": recall,
            "couples": couples,
            "letter": letter,
            "judge": judge,
            "dance": dance,
            "rows": rows,
        }
        for letter, judge in panel
        for dance, rows in dances
    ]
    fit = per_page(max((len(rows) for _, rows in dances), default=1), kind != "recall")
    return {"name": name, "per_page": fit, "pages": [slips[i : i + fit] for i in range(0, len(slips), fit)]}
