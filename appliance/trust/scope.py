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
from appliance.i18n import _

OWN = "own"
NEUTRAL_PARAMS = frozenset({"dance", "judge", "doc"})
"""Path parameters that name nothing outside the object another parameter names (a dance or judge of a round,
an event's printed document)."""


ROLES = {"scrutineer": _("scrutineer"), "chair": _("chair"), "adjudicator": _("adjudicator"), "display": _("display")}
OBJECTS = {  # what a path parameter names, as a message says it
    "event_id": _("event"),
    "floor_id": _("floor"),
    "couple_id": _("couple"),
    "entry_id": _("entry"),
    "round_id": _("round"),
    "device_id": _("device"),
}


def _role(role: str) -> str:
    return ROLES.get(role, role)


def owns_box(role: str, competition_id: int | None) -> bool:
    return role == "scrutineer" and competition_id is None


def _whose(competition_id: int | None) -> str:
    return _("competition {id}", id=competition_id) if competition_id is not None else _("the whole box")


def check(
    conn: sqlite3.Connection, role: str, competition_id: int | None, opt: Mapping, path_params: Mapping[str, object]
) -> None:
    """Raise Forbidden unless a device of `role` enrolled for `competition_id` may act on this route's objects."""
    if owns_box(role, competition_id):
        return
    if competition_id is None:
        raise Forbidden(
            _("this {role} device is not enrolled for a competition: enrol it again for one", role=_role(role)),
            "X-Device",
        )
    others = [p for p in path_params if p not in db.SCOPED_PARAMS and p not in NEUTRAL_PARAMS]
    scoped = {p: v for p, v in path_params.items() if p in db.SCOPED_PARAMS}
    if others or (not scoped and opt.get("scope") != OWN):
        raise Forbidden(
            _(
                "this {role} device is enrolled for competition {id}: only the box's "
                "owner (a scrutineer enrolled for no competition) may do this",
                role=_role(role),
                id=competition_id,
            ),
            "X-Device",
        )
    for param, value in scoped.items():
        found, owner = db.owner(conn, param, value)
        if found and owner != competition_id:
            raise Forbidden(_not_its(role, competition_id, param, value, owner), param)


def _not_its(role: str, competition_id: int, param: str, value: object, owner: int | None) -> str:
    if param == "competition_id":
        return _(
            "this {role} device is enrolled for competition {id}, not competition {other}",
            role=_role(role),
            id=competition_id,
            other=value,
        )
    return _(
        "this {role} device is enrolled for competition {id}: {what} {value} belongs to {whose}",
        role=_role(role),
        id=competition_id,
        what=OBJECTS.get(param, param.removesuffix("_id")),
        value=value,
        whose=_whose(owner),
    )


def check_body_competition(role: str, competition_id: int | None, wanted: int | None) -> None:
    """For a use case whose body names a competition (an enrolment): only the device's own, unless it owns the box."""
    if not owns_box(role, competition_id) and wanted != competition_id:
        raise Forbidden(
            _(
                "this {role} device is enrolled for competition {id}: it may only act on competition {id}, not {whose}",
                role=_role(role),
                id=competition_id,
                whose=_whose(wanted),
            ),
            "competition_id",
        )
