"""Every role is scoped to its competition (security.md, issue #9 point 5): one check for every signed route.

A scrutineer enrolled with no competition owns the box (the first scrutineer, enrolled from the box's own
screen or terminal, or one the owner enrols so): every competition, creating competitions and the box's own
routes. Every other device, whatever its role, is enrolled for one competition N and acts only on N: the
competition of each object a route names in its path (competition, event, round, floor, entry, couple,
device) must be N, else 403 and nothing is written. `auth.principal` runs this check before anything is
written, for every route that needs a signed request, so no handler does it by hand.

A route whose path names no such object is for the box's owner only, unless it declares
`opt={"scope": "own"}`: it then acts only on the asking device's own competition (its lists are filtered
by `principal.competition_id`, a body's competition_id is checked by its use case).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping

from appliance.db import scope as db
from appliance.errors import Forbidden

OWN = "own"
NEUTRAL_PARAMS = frozenset({"dance", "judge", "doc"})
"""Path parameters that name nothing outside the object another parameter names (a dance or judge of a round,
an event's printed document)."""


def owns_box(role: str, competition_id: int | None) -> bool:
    return role == "scrutineer" and competition_id is None


def _whose(competition_id: int | None) -> str:
    return f"competition {competition_id}" if competition_id is not None else "the whole box"


def check(
    conn: sqlite3.Connection, role: str, competition_id: int | None, opt: Mapping, path_params: Mapping[str, object]
) -> None:
    """Raise Forbidden unless a device of `role` enrolled for `competition_id` may act on this route's objects."""
    if owns_box(role, competition_id):
        return
    if competition_id is None:
        raise Forbidden(f"this {role} device is not enrolled for a competition: enrol it again for one", "X-Device")
    others = [p for p in path_params if p not in db.SCOPED_PARAMS and p not in NEUTRAL_PARAMS]
    scoped = {p: v for p, v in path_params.items() if p in db.SCOPED_PARAMS}
    if others or (not scoped and opt.get("scope") != OWN):
        raise Forbidden(
            f"this {role} device is enrolled for competition {competition_id}: only the box's "
            "owner (a scrutineer enrolled for no competition) may do this",
            "X-Device",
        )
    for param, value in scoped.items():
        found, owner = db.owner(conn, param, value)
        if found and owner != competition_id:
            what = (
                f", not competition {value}"
                if param == "competition_id"
                else f": {param.removesuffix('_id')} {value} belongs to {_whose(owner)}"
            )
            raise Forbidden(f"this {role} device is enrolled for competition {competition_id}{what}", param)


def check_body_competition(role: str, competition_id: int | None, wanted: int | None) -> None:
    """For a use case whose body names a competition (an enrolment): only the device's own, unless it owns the box."""
    if not owns_box(role, competition_id) and wanted != competition_id:
        raise Forbidden(
            f"this {role} device is enrolled for competition {competition_id}: it may only act on "
            f"competition {competition_id}, not {_whose(wanted)}",
            "competition_id",
        )
