"""Rebuild the derived tables from the change log alone, and compare them with the database row by row.

A pure projection: every change-log row's payload is applied, in seq order, to an in-memory SQLite database
with the same schema (the same migrations), reusing the db/ functions the services write with. Then each
rebuilt table is compared with the real one, key by key, column by column; the first difference is named
(table, key, column): db/replay_compare.py. `floorcraft verify` runs both after checking the hash chain and
the checkpoints.

Not rebuilt, on purpose: the one-time enrolment secrets, the devices' keys, the stored idempotent answers
and the registration links' tokens are secrets and are never written to the log; the devices' counters and
last contact, the chair's PIN (hash) and its lockouts, and the cloud sync's bookkeeping are not logged
either. Devices are rebuilt without those columns (who was enrolled, with which role, and revoked or not).
"""

from __future__ import annotations

import base64
import json
import sqlite3
from collections.abc import Callable, Iterable

from appliance.db import competitions as comp_db
from appliance.db import marks as marks_db
from appliance.db import registration as reg_db
from appliance.db import replay_outcomes, replay_stars
from appliance.db import rounds as rounds_db
from appliance.db import schedule as schedule_db
from appliance.db import signatures as sig_db
from appliance.db.migrations import migrate
from appliance.i18n import _

# table -> (key columns, columns not rebuilt)
REBUILT: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "competitions": (("id",), ("chair_pin",)),
    "floors": (("id",), ()),
    "events": (("id",), ()),
    "adjudicators": (("id",), ()),
    "panels": (("event_id", "adjudicator_id"), ()),
    "round_panels": (("round_id", "adjudicator_id"), ()),
    "couples": (("id",), ()),
    "entries": (("id",), ()),
    "rounds": (("id",), ()),
    "round_couples": (("round_id", "couple_id"), ()),
    "heats": (("round_id", "dance", "couple_id"), ()),
    "schedule": (("floor_id", "position"), ()),
    "sheets": (("id",), ()),
    "results": (("round_id",), ()),
    "signatures": (("round_id", "adjudicator_id"), ()),
    "devices": (("id",), ("key", "counter", "enrolled_at", "last_seen")),
    "entry_outcomes": (("entry_id", "status"), ()),
    **replay_stars.REBUILT,
    "entry_warnings": (("entry_id",), ()),
    **schedule_db.REBUILT,
}
NOT_REBUILT = {
    "enrolments": _("one-time secrets, never in the log"),
    "idempotency": _("stored answers (they may hold secrets), never in the log"),
    "registration_links": _("the links' tokens are secrets, never in the log"),
    "pin_attempts": _("the chair's PIN lockouts, not logged"),
    "sync_state": _("the cloud sync's own bookkeeping, not logged"),
}
JSON_COLUMNS = {("events", "dances"), ("sheets", "marks"), ("results", "result"), ("results", "decision")}
JSON_COLUMNS |= replay_outcomes.JSON_COLUMNS | replay_stars.JSON_COLUMNS | schedule_db.JSON_COLUMNS
IGNORED_KINDS = ("registration.link_created", "chair.pin_set", "enrolment.created")


class Unrebuildable(Exception):
    """The log holds a row whose payload predates what a rebuild needs (an older version of the box)."""

    def __init__(self, seq: int, kind: str, missing: str):
        super().__init__(
            _(
                "seq {seq} ({kind}) has no {missing} in its payload (written by an older version)",
                seq=seq,
                kind=kind,
                missing=repr(missing),
            )
        )
        self.seq = seq


def _id(entity: str) -> int | str:
    tail = entity.rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else tail


def _competition(conn: sqlite3.Connection, _: int, p: dict) -> None:
    conn.execute(
        "INSERT INTO competitions (id, name, starts_on, ends_on, venue, first_bib) VALUES (?, ?, ?, ?, ?, ?)",
        (p["id"], p["name"], p["starts_on"], p["ends_on"], p["venue"], p["first_bib"]),
    )
    conn.executemany(
        "INSERT INTO floors (id, competition_id, name, position) VALUES (?, ?, ?, ?)",
        [(f["id"], p["id"], f["name"], i) for i, f in enumerate(p["floors"])],
    )


def _event(conn: sqlite3.Connection, _: int, p: dict) -> None:
    position = conn.execute(
        "SELECT coalesce(max(position), -1) + 1 FROM events WHERE competition_id = ?", (p["competition_id"],)
    ).fetchone()[0]
    conn.execute(
        """INSERT INTO events (id, competition_id, name, style, dances, age_group, level, floor_id, max_per_heat,
                               final_size, redraw_per_dance, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            p["id"],
            p["competition_id"],
            p["name"],
            p["style"],
            json.dumps(p["dances"]),
            p["age_group"],
            p["level"],
            p["floor_id"],
            p["max_per_heat"],
            p["final_size"],
            int(p["redraw_per_dance"]),
            position,
        ),
    )


def _adjudicator(conn: sqlite3.Connection, _: int, p: dict) -> None:
    conn.execute(
        "INSERT INTO adjudicators (id, competition_id, letter, name, country) VALUES (?, ?, ?, ?, ?)",
        (p["id"], p["competition_id"], p["letter"], p["name"], p["country"]),
    )


def _competition_of_event(conn: sqlite3.Connection, event_id: int) -> int:
    return conn.execute("SELECT competition_id FROM events WHERE id = ?", (event_id,)).fetchone()[0]


def _panel(conn: sqlite3.Connection, event_id: int, p: dict) -> None:
    ids = comp_db.adjudicator_ids(conn, _competition_of_event(conn, event_id), p["letters"])
    comp_db.set_panel(conn, event_id, [ids[letter] for letter in p["letters"]])
    marks_db.follow_event_panel(conn, event_id)


def _round_panel(conn: sqlite3.Connection, round_id: int, p: dict) -> None:
    ids = comp_db.adjudicator_ids(conn, _competition_of_event(conn, p["event_id"]), p["letters"])
    marks_db.set_round_panel(conn, round_id, [ids[letter] for letter in p["letters"]])


def _couple_row(conn: sqlite3.Connection, c: dict) -> None:
    conn.execute(
        """INSERT INTO couples (id, competition_id, leader, follower, club, country, identity, bib)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET leader = excluded.leader,
           follower = excluded.follower, club = excluded.club, country = excluded.country,
           identity = excluded.identity, bib = excluded.bib""",
        (
            c["id"],
            c["competition_id"],
            c["leader"],
            c["follower"],
            c["club"],
            c["country"],
            reg_db.identity(c["leader"], c["follower"]),
            c["bib"],
        ),
    )


def _couple_entered(conn: sqlite3.Connection, couple_id: int, p: dict) -> None:
    _couple_row(conn, p["couple"])
    ids = p.get("entry_ids") or [None] * len(p["events"])  # older logs: entries are never deleted, ids follow
    conn.executemany(
        "INSERT INTO entries (id, event_id, couple_id, late) VALUES (?, ?, ?, ?)",
        [(i, e, couple_id, int(p["late"])) for i, e in zip(ids, p["events"], strict=True)],
    )


def _couple_updated(conn: sqlite3.Connection, _: int, p: dict) -> None:
    _couple_row(conn, p)


def _scratched(conn: sqlite3.Connection, entry_id: int, p: dict) -> None:
    reg_db.set_entry_status(conn, entry_id, "scratched")
    kept = p.get("draw")  # a scratch after the draw that kept the other couples' heats
    if kept is not None:
        rounds_db.set_round_couples(conn, kept["round_id"], kept["couples"])
        rounds_db.set_heats(conn, kept["round_id"], _heats_by_id(conn, kept["round_id"], kept["heats"]))
        conn.execute("UPDATE rounds SET planned_couples = ? WHERE id = ?", (len(kept["couples"]), kept["round_id"]))


def _bibs(conn: sqlite3.Connection, _: int, p: dict) -> None:
    for couple_id, bib in p.items():
        reg_db.set_bib(conn, int(couple_id), bib)


def _planned(conn: sqlite3.Connection, event_id: int, p: dict) -> None:
    rounds_db.replace_rounds(conn, event_id, lambda: _insert_planned(conn, event_id, p))


def _insert_planned(conn: sqlite3.Connection, event_id: int, p: dict) -> None:
    for planned, rid, seed in zip(p["rounds"], p["round_ids"], p["seeds"], strict=True):
        conn.execute(
            "INSERT INTO rounds (id, event_id, number, name, kind, planned_couples, recall, seed) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                rid,
                event_id,
                planned["number"],
                planned["name"],
                planned["kind"],
                planned["couples"],
                planned["recall"],
                seed,
            ),
        )
    if p["schedule"] is not None:
        first = p["round_ids"][[r["number"] for r in p["rounds"]].index(1)]
        rounds_db.schedule_round(conn, p["schedule"]["floor_id"], first, p["schedule"]["position"])


def _heats_by_id(conn: sqlite3.Connection, round_id: int, heats: dict) -> dict[str, list[list[int]]]:
    """The payload's heats (bibs) as couple ids, through the bibs of the round's competition."""
    competition = conn.execute(
        "SELECT e.competition_id FROM rounds r JOIN events e ON e.id = r.event_id WHERE r.id = ?", (round_id,)
    ).fetchone()[0]
    ids = {r[0]: r[1] for r in conn.execute("SELECT bib, id FROM couples WHERE competition_id = ?", (competition,))}
    return {dance: [[ids[b] for b in heat] for heat in split] for dance, split in heats.items()}


def _drawn(conn: sqlite3.Connection, round_id: int, p: dict) -> None:
    rounds_db.set_round_couples(conn, round_id, p["couples"])
    rounds_db.set_heats(conn, round_id, _heats_by_id(conn, round_id, p["heats"]))
    rounds_db.set_round_state(conn, round_id, "drawn")
    marks_db.freeze_round_panel(conn, round_id)


def _advanced(conn: sqlite3.Connection, round_id: int, p: dict) -> None:
    bibs = marks_db.round_bibs(conn, p["from_round"])
    couples = p.get("couples") or sorted(bibs[b] for b in p["recalled"])  # with star couples, after a redance
    rounds_db.set_round_couples(conn, round_id, couples)
    rounds_db.set_heats(conn, round_id, _heats_by_id(conn, round_id, p["heats"]))
    conn.execute("UPDATE rounds SET planned_couples = ?, state = 'drawn' WHERE id = ?", (len(couples), round_id))
    marks_db.freeze_round_panel(conn, round_id)
    if conn.execute("SELECT 1 FROM schedule WHERE round_id = ?", (round_id,)).fetchone() is None:
        floor = conn.execute("SELECT floor_id FROM events WHERE id = ?", (p["event_id"],)).fetchone()[0]
        rounds_db.schedule_round(conn, floor, round_id)
    rounds_db.set_round_state(conn, p["from_round"], "closed")


def _closed(conn: sqlite3.Connection, competition_id: int, p: dict) -> None:
    comp_db.set_registration(conn, competition_id, "closed", p["seed"])


def _sheet(conn: sqlite3.Connection, round_id: int, p: dict) -> None:
    ids = comp_db.adjudicator_ids(conn, _competition_of_event(conn, p["event_id"]), [p["judge"]])
    existing = marks_db.get_sheet(conn, round_id, p["dance"], ids[p["judge"]])
    if existing is None:  # the sheet's own id, as the box gave it
        conn.execute(
            "INSERT INTO sheets (id, round_id, dance, adjudicator_id, marks, checksum, version, entered_by, "
            "keyed) VALUES (?, ?, ?, ?, ?, ?, 0, '', 0)",
            (p["sheet_id"], round_id, p["dance"], ids[p["judge"]], "", ""),
        )
    marks_db.save_sheet(
        conn,
        round_id,
        p["dance"],
        ids[p["judge"]],
        json.dumps(p["marks"]),
        p["checksum"],
        p["entered_by"],
        p["keyed_by"] is not None,
    )


def _computed(conn: sqlite3.Connection, round_id: int, p: dict) -> None:
    marks_db.save_result(conn, round_id, p["kind"], json.dumps(p["result"]), p["sheets_checksum"])
    rounds_db.set_round_state(conn, round_id, p["state"])


def _decided(conn: sqlite3.Connection, round_id: int, p: dict) -> None:
    marks_db.set_decision(conn, round_id, json.dumps({"recall": p["recall"]}))


def _signed(conn: sqlite3.Connection, round_id: int, p: dict) -> None:
    ids = comp_db.adjudicator_ids(conn, _competition_of_event(conn, p["event_id"]), [p["judge"]])
    sig_db.save_signature(conn, round_id, ids[p["judge"]], base64.b64decode(p["png"]), p["sha256"])


def _official(conn: sqlite3.Connection, round_id: int, _: dict) -> None:
    marks_db.set_official(conn, round_id)
    rounds_db.set_round_state(conn, round_id, "official")


def _floor(conn: sqlite3.Connection, floor_id: int, p: dict) -> None:
    item = p["item"]
    rounds_db.set_floor(conn, floor_id, p["state"], item["round_id"], item["dance"], item["heat"])
    round_row = rounds_db.get_round(conn, item["round_id"])
    if p["state"] == "running" and round_row is not None and round_row["state"] == "drawn":
        rounds_db.set_round_state(conn, item["round_id"], "running")
        marks_db.freeze_round_panel(conn, item["round_id"])


def _enrolled(conn: sqlite3.Connection, device_id: str, p: dict) -> None:
    adjudicator = None
    if p.get("judge") is not None and p.get("competition_id") is not None:
        adjudicator = comp_db.adjudicator_ids(conn, p["competition_id"], [p["judge"]]).get(p["judge"])
    conn.execute(
        "INSERT INTO devices (id, role, competition_id, adjudicator_id, key, enrolled_at) VALUES (?, ?, ?, ?, x'', '')",
        (device_id, p["role"], p["competition_id"], adjudicator),
    )


def _revoked(conn: sqlite3.Connection, device_id: str, _: dict) -> None:
    conn.execute("UPDATE devices SET revoked = 1 WHERE id = ?", (device_id,))


HANDLERS: dict[str, Callable[..., None]] = {
    "competition.created": _competition,
    "competition.updated": lambda conn, _, p: comp_db.update_competition(conn, p["id"], p),
    "event.created": _event,
    "adjudicator.added": _adjudicator,
    "panel.set": _panel,
    "round.panel_set": _round_panel,
    "couple.entered": _couple_entered,
    "couple.updated": _couple_updated,
    "entry.scratched": _scratched,
    "bibs.assigned": _bibs,
    "event.planned": _planned,
    "round.drawn": _drawn,
    "round.advanced": _advanced,
    "registration.closed": _closed,
    "sheet.submitted": _sheet,
    "sheet.amended": _sheet,
    "sheet.corrected": _sheet,
    "round.computed": _computed,
    "round.recomputed": _computed,
    "round.decided": _decided,
    "result.official": _official,
    "round.signed": _signed,
    "floor.start": _floor,
    "floor.next": _floor,
    "floor.previous": _floor,
    "floor.stop": _floor,
    "device.enrolled": _enrolled,
    "device.revoked": _revoked,
    **replay_outcomes.HANDLERS,
    **replay_stars.HANDLERS,
    **schedule_db.HANDLERS,
}
NEEDS = {
    "event.planned": "round_ids",
    "round.drawn": "couples",
    "sheet.submitted": "entered_by",
    "sheet.amended": "entered_by",
    "sheet.corrected": "entered_by",
}


def rebuild(rows: Iterable[tuple]) -> tuple[sqlite3.Connection, list[str]]:
    """The derived tables from (seq, kind, entity, payload) rows alone, in memory; and the unknown kinds seen."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.row_factory = sqlite3.Row
    migrate(conn)
    unknown: list[str] = []
    for seq, kind, entity, payload_text in rows:
        payload = json.loads(payload_text)
        handler = HANDLERS.get(kind)
        if handler is None:
            if kind not in IGNORED_KINDS and kind not in unknown:
                unknown.append(kind)
            continue
        if kind in NEEDS and NEEDS[kind] not in payload:
            raise Unrebuildable(seq, kind, NEEDS[kind])
        handler(conn, _id(entity), payload)
    return conn, unknown


def log_rows(conn: sqlite3.Connection) -> Iterable[tuple]:
    return (tuple(r) for r in conn.execute("SELECT seq, kind, entity, payload FROM change_log ORDER BY seq"))
