"""Results for the world: every competition of every paired box and each one's published results, in the same
shape as the box's own /api/public/results (so the same phone-first page shows them), with ETag and Cache-Control
so that a CDN can carry the readers. Only what the box published is read: the competition's name, venue and
dates, and what the box's own public results page shows (services/public.py's PUBLISHED and NAMES rows: computed
rounds, the couples by bib); never a sheet of a round not computed yet, a device, a PIN, or anything of a box
that is not paired.
"""

from __future__ import annotations

import hashlib
import json
from urllib.parse import quote

import msgspec
from litestar import Request, Response

from appliance.db import cloud as db
from appliance.db.cloud_backend import CloudDB
from appliance.errors import NotFound
from appliance.i18n import SOURCE, _
from appliance.services.public import NAMES, PUBLISHED, published

CACHE_CONTROL = "public, max-age=10, stale-while-revalidate=30"  # a CDN answers readers; 10 s behind at most
STRUCTURE = ("competition.created", "competition.updated", "event.created")
SOURCES = PUBLISHED + NAMES  # what services/public.py builds the box's own /api/public/results from
BY_LANGUAGE = "Accept-Encoding, Accept-Language, Cookie"  # an answer in the reader's language (cookie floorcraft.lang)


def cached(request: Request, data: object, vary: str = "Accept-Encoding") -> Response:
    """JSON with a strong ETag (the body's SHA-256); 304 and no body when the reader has it already."""
    body = msgspec.json.encode(data)
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL, "Vary": vary}
    asked = [t.strip().removeprefix("W/") for t in request.headers.get("if-none-match", "").split(",")]
    if etag in asked or "*" in asked:
        return Response(content=b"", status_code=304, headers=headers)
    return Response(content=body, media_type="application/json", headers=headers)


def _structure(rows: list[tuple]) -> tuple[list[dict], dict[int, int]]:
    """The competitions (public fields only) and each event's competition, from a box's log."""
    competitions, event_of = [], {}
    for _seq, kind, _entity, text in rows:
        payload = json.loads(text)
        keys = ("id", "name", "venue", "starts_on", "ends_on")
        if kind == "competition.created":
            competitions.append({k: payload.get(k) for k in keys})
        elif kind == "competition.updated":  # the scrutineer edited it: its name, venue or dates as they now are
            for c in competitions:
                if c["id"] == payload.get("id"):
                    c.update({k: payload.get(k) for k in keys})
        else:
            event_of[int(payload["id"])] = int(payload["competition_id"])
    return competitions, event_of


def paired_rows(store: CloudDB, box: str, kinds: tuple[str, ...]) -> list[tuple]:
    with store.transaction() as tx:
        if not db.is_paired(tx, box):
            raise NotFound(_("no paired box with this key"), "box")
        return db.rows_of_kinds(tx, box, kinds)


def results(store: CloudDB, box: str, competition: int | None = None, language: str = SOURCE) -> dict:
    """One box's published results (of one competition, if named): the box's own /api/public/results shape, its
    reasons said in `language` as the box says them."""
    rows = paired_rows(store, box, STRUCTURE + SOURCES)
    competitions, event_of = _structure([r for r in rows if r[1] in STRUCTURE])
    if competition is not None and all(c["id"] != competition for c in competitions):
        raise NotFound(_("no competition {id} on this box", id=competition), "competition")
    shown = published([r for r in rows if r[1] in SOURCES], language)
    if competition is not None:
        shown["events"] = [e for e in shown["events"] if event_of.get(e["event_id"]) == competition]
    return shown


def competitions(store: CloudDB) -> list[dict]:
    """Every competition of every paired box, with how many of its events have published results."""
    with store.transaction() as tx:
        boxes = [r[0] for r in db.boxes(tx)]
        logs = {box: db.rows_of_kinds(tx, box, (*STRUCTURE, "round.computed")) for box in boxes}
    listed = []
    for box, rows in logs.items():
        found, event_of = _structure([r for r in rows if r[1] in STRUCTURE])
        computed = {json.loads(r[3])["event_id"] for r in rows if r[1] == "round.computed"}
        for c in found:
            where = f"box={quote(box)}&competition={c['id']}"
            listed.append(
                c
                | {
                    "box": box,
                    "events_with_results": sum(1 for e in computed if event_of.get(e) == c["id"]),
                    "results": f"/cloud/boxes/{quote(box)}/public/results?competition={c['id']}",
                    "page": f"/cloud/web/results/?{where}",
                }
            )
    return listed
