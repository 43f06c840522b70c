"""Registration: links with QR codes, couples and adjudicators signing up, entries, edits, scratches, CSV import."""

from __future__ import annotations

import csv
import datetime as dt
import io
import secrets
import sqlite3
import unicodedata
from collections.abc import Callable

import msgspec

from appliance.db import competitions as comp_db
from appliance.db import registration as db
from appliance.errors import AppError, Conflict, Gone, Invalid, NotFound, plain_validation
from appliance.i18n import _, _n
from appliance.model.competition import AdjudicatorIn
from appliance.model.registration import (
    AdjudicatorRegistration,
    Couple,
    CoupleIn,
    CoupleRegistration,
    CoupleUpdate,
    Entry,
    ImportReport,
    ImportRowError,
    PublicEvent,
    RegistrationForm,
    RegistrationLink,
    RegistrationLinkIn,
    RegistrationReceipt,
)
from appliance.services import Context, lookups, provisioning, setup


def qr_svg(text: str) -> str:
    """A QR code as an SVG document (appliance/qr.py: no Pillow, no lxml)."""
    from appliance import qr  # loaded when a QR code is made: the box's idle memory

    return qr.svg(text, label=_("QR code of {address}", address=text))  # its text alternative: the address it carries


def _link(ctx: Context, row: sqlite3.Row) -> RegistrationLink:
    url = f"{ctx.settings.base_url}/register/#{row['token']}"
    closes = dt.datetime.fromisoformat(row["closes_at"]) if row["closes_at"] else None
    return RegistrationLink(row["token"], row["competition_id"], row["role"], closes, url, qr_svg(url))


async def create_link(ctx: Context, competition_id: int, data: RegistrationLinkIn) -> RegistrationLink:
    closes_at = data.closes_at
    if closes_at is not None and closes_at.tzinfo is None:
        raise Invalid(_("closes_at needs a time zone (e.g. 2026-12-01T18:00:00+01:00)"), "closes_at")

    def tx(conn: sqlite3.Connection) -> RegistrationLink:
        competition = lookups.competition(conn, competition_id)
        if competition.registration == "closed":
            raise Conflict(_("registration is closed"), "competition_id")
        token = secrets.token_urlsafe(16)
        db.insert_link(conn, token, competition_id, data.role, closes_at.isoformat() if closes_at else None)
        ctx.log(
            conn,
            "registration.link_created",
            f"competition/{competition_id}",
            {"role": data.role, "closes_at": closes_at},
        )
        return _link(ctx, lookups.link_row(conn, token))

    return await ctx.store.write(tx)


async def list_links(ctx: Context, competition_id: int) -> list[RegistrationLink]:
    def read(conn: sqlite3.Connection) -> list[RegistrationLink]:
        lookups.competition(conn, competition_id)
        return [_link(ctx, row) for row in db.list_links(conn, competition_id)]

    return await ctx.store.read(read)


def _open_link(ctx: Context, conn: sqlite3.Connection, token: str, role: str | None = None) -> sqlite3.Row:
    link = db.get_link(conn, token)
    if link is None:
        raise NotFound(_("this registration link is not known"), "token")
    competition = lookups.competition(conn, link["competition_id"])
    if competition.registration == "closed":
        raise Gone(_("registration for this competition is closed"), "token")
    if link["closes_at"] and dt.datetime.fromisoformat(link["closes_at"]) <= ctx.now():
        raise Gone(_("this registration link has expired"), "token")
    if role is not None and link["role"] != role:
        message = _("this link is for registering {role}, not {asked}", role=_people(link["role"]), asked=_people(role))
        raise Invalid(message, "token")
    return link


async def registration_form(ctx: Context, token: str) -> RegistrationForm:
    def read(conn: sqlite3.Connection) -> RegistrationForm:
        link = _open_link(ctx, conn, token)
        competition = lookups.competition(conn, link["competition_id"])
        events = (
            [
                PublicEvent(e.id, e.name, e.style, e.dances, e.age_group, e.level)
                for e in comp_db.list_events(conn, competition.id)
            ]
            if link["role"] == "couple"
            else []
        )
        closes = dt.datetime.fromisoformat(link["closes_at"]) if link["closes_at"] else None
        return RegistrationForm(
            competition.name,
            competition.venue,
            competition.starts_on,
            link["role"],
            closes,
            events,
            competition.ends_on,
        )

    return await ctx.store.read(read)


def _enter(
    ctx: Context,
    conn: sqlite3.Connection,
    competition_id: int,
    couple: CoupleIn,
    event_ids: list[int],
    late: bool = False,
) -> RegistrationReceipt:
    """Find or create the couple and enter it in each event; an entry that exists already is a Conflict."""
    if len(set(event_ids)) != len(event_ids):
        raise Invalid(_("an event is listed twice"), "events")
    events = {e.id: e for e in comp_db.list_events(conn, competition_id)}
    for event_id in event_ids:
        if event_id not in events:
            raise Invalid(_("no event {event_id} in this competition", event_id=event_id), "events")
    couple_id = db.find_couple(conn, competition_id, couple.leader, couple.follower)
    if couple_id is None:
        couple_id = db.insert_couple(conn, competition_id, couple)
    entries = []
    for event_id in event_ids:
        if db.entry_exists(conn, event_id, couple_id):
            message = _(
                "{leader} / {follower} are already entered in {event}",
                leader=couple.leader,
                follower=couple.follower,
                event=events[event_id].name,
            )
            raise Conflict(message, "events")
        entries.append(lookups.entry(conn, db.insert_entry(conn, event_id, couple_id, late)))
    receipt = RegistrationReceipt(lookups.couple(conn, couple_id), entries)
    ctx.log(
        conn,
        "couple.entered",
        f"couple/{couple_id}",
        {"couple": receipt.couple, "events": event_ids, "entry_ids": [e.id for e in entries], "late": late},
    )
    return receipt


async def register_couple(ctx: Context, token: str, data: CoupleRegistration) -> RegistrationReceipt:
    couple = CoupleIn(data.leader, data.follower, data.club, data.country)

    def tx(conn: sqlite3.Connection) -> RegistrationReceipt:
        link = _open_link(ctx, conn, token, "couple")
        return _enter(ctx, conn, link["competition_id"], couple, data.events)

    return await ctx.store.write(tx)


async def register_adjudicator(ctx: Context, token: str, data: AdjudicatorRegistration):
    def tx(conn: sqlite3.Connection):
        link = _open_link(ctx, conn, token, "adjudicator")
        return setup.add_adjudicator_tx(ctx, conn, link["competition_id"], AdjudicatorIn(data.name, data.country))

    return await ctx.store.write(tx)


async def list_entries(ctx: Context, competition_id: int) -> list[Entry]:
    def read(conn: sqlite3.Connection) -> list[Entry]:
        lookups.competition(conn, competition_id)
        return db.list_entries(conn, competition_id)

    return await ctx.store.read(read)


async def add_entry(ctx: Context, event_id: int, couple: CoupleIn) -> RegistrationReceipt:
    """The scrutineer enters a couple; after registration closed this is a late entry (bib and draw at once)."""

    def tx(conn: sqlite3.Connection) -> RegistrationReceipt:
        event = lookups.event(conn, event_id)
        competition = lookups.competition(conn, event.competition_id)
        late = competition.registration == "closed"
        if late:
            provisioning.require_not_started(conn, event_id)
        receipt = _enter(ctx, conn, competition.id, couple, [event_id], late)
        if late:
            provisioning.assign_bibs(ctx, conn, competition)
            provisioning.refresh_plan(ctx, conn, event_id)
            receipt = RegistrationReceipt(
                lookups.couple(conn, receipt.couple.id), [lookups.entry(conn, e.id) for e in receipt.entries]
            )
        return receipt

    return await ctx.store.write(tx)


async def update_couple(ctx: Context, couple_id: int, data: CoupleUpdate) -> Couple:
    def tx(conn: sqlite3.Connection) -> Couple:
        current = db.get_couple(conn, couple_id)
        if current is None:
            raise NotFound(_("no couple {couple_id}", couple_id=couple_id), "couple_id")
        merged = msgspec.structs.replace(
            current, **{k: v for k, v in msgspec.structs.asdict(data).items() if v is not None}
        )
        owner = db.couple_identity_owner(conn, current.competition_id, db.identity(merged.leader, merged.follower))
        if owner is not None and owner != couple_id:
            message = _(
                "{leader} / {follower} are registered already as couple {owner}",
                leader=merged.leader,
                follower=merged.follower,
                owner=owner,
            )
            raise Conflict(message, "leader")
        db.update_couple(conn, couple_id, merged.leader, merged.follower, merged.club, merged.country)
        updated = lookups.couple(conn, couple_id)
        ctx.log(conn, "couple.updated", f"couple/{couple_id}", updated)
        return updated

    return await ctx.store.write(tx)


async def scratch_entry(ctx: Context, entry_id: int, redraw: bool = False) -> Entry:
    """A couple withdraws from an event. After the draw, before the event starts, it leaves its heat and every
    other couple keeps its heat; with `redraw` (or when the plan no longer fits the couples left) the plan is
    made again and the first round drawn again from its stored seed."""

    def tx(conn: sqlite3.Connection) -> Entry:
        entry = lookups.entry(conn, entry_id)
        if entry.status == "scratched":
            raise Conflict(_("entry {entry_id} is scratched already", entry_id=entry_id), "entry_id")
        db.set_entry_status(conn, entry_id, "scratched")
        competition = lookups.competition(conn, entry.couple.competition_id)
        payload: dict = {"event_id": entry.event_id, "couple_id": entry.couple.id}
        if competition.registration == "closed" and not provisioning.started(conn, entry.event_id):
            kept = None
            if not redraw and provisioning.plan_still_fits(conn, entry.event_id):
                kept = provisioning.remove_from_draw(conn, entry.event_id, entry.couple.id)
            payload |= {"redraw": kept is None, "draw": kept}
            ctx.log(conn, "entry.scratched", f"entry/{entry_id}", payload)
            if kept is None:
                provisioning.refresh_plan(ctx, conn, entry.event_id)
            return lookups.entry(conn, entry_id)
        ctx.log(conn, "entry.scratched", f"entry/{entry_id}", payload)
        return lookups.entry(conn, entry_id)

    return await ctx.store.write(tx)


CSV_COLUMNS = ("leader", "follower", "club", "country", "events")
_PEOPLE = {"couple": _("couples"), "adjudicator": _("adjudicators")}


def _people(role: str | None) -> object:
    """Who a registration link registers, in words ("couples")."""
    return _PEOPLE.get(role or "", f"{role}s")


class _Row(msgspec.Struct, frozen=True):
    line: int
    couple: CoupleIn
    events: list[int]


def _parse_csv(text: str, events_by_name: dict[str, int]) -> tuple[list[_Row], list[ImportRowError], int]:
    reader = csv.DictReader(io.StringIO(text, newline=""))  # any line ending: \r\n, \n, or Mac Excel's bare \r
    try:
        return _read_rows(reader, events_by_name)
    except csv.Error as exc:  # e.g. a field over csv.field_size_limit() (131,072 characters)
        row = reader.reader.line_num  # the DictReader's own line_num only moves on a good row
        reason = _("a field is too long") if "field limit" in str(exc) else str(exc)
        message = _("row {row} cannot be read as CSV: {reason}", row=row, reason=reason)
        raise AppError(message, "file", [{"row": row, "field": "file", "message": message}]) from None


def _header(reader: csv.DictReader) -> list[str]:
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in ("leader", "follower", "events") if c not in header]
    if missing:
        message = _(
            "the CSV header lacks the column {column} (expected: {columns})",
            column=repr(missing[0]),
            columns=", ".join(CSV_COLUMNS),
        )
        raise Invalid(message, "file")
    twice = next((c for c in header if c and header.count(c) > 1), None)
    if twice is not None:  # else the last of them silently won
        raise Invalid(_("the CSV header has the column {column} twice", column=repr(twice)), "file")
    return header


def _read_rows(reader: csv.DictReader, events_by_name: dict[str, int]) -> tuple[list[_Row], list[ImportRowError], int]:
    reader.fieldnames = _header(reader)
    rows, errors, count = [], [], 0
    for record in reader:
        count += 1
        line = reader.line_num
        if None in record:  # DictReader's place for fields past the header's: they were silently dropped
            extra = len(record[None])
            message = _n(
                "the row has 1 more field than the header", "the row has {n} more fields than the header", extra
            )
            errors.append(ImportRowError(line, "row", message))
            continue
        values = {k: (record.get(k) or "").strip() for k in CSV_COLUMNS}
        try:
            couple = msgspec.convert({k: values[k] for k in ("leader", "follower", "club", "country")}, CoupleIn)
        except msgspec.ValidationError as exc:
            words, field = plain_validation(str(exc))
            errors.append(ImportRowError(line, field or "row", words))
            continue
        parts = values["events"].replace("|", ";").split(";")
        names = [unicodedata.normalize("NFC", n.strip()) for n in parts if n.strip()]
        unknown = [n for n in names if n.casefold() not in events_by_name]
        if not names or unknown:
            message = _("unknown event {name}", name=repr(unknown[0])) if unknown else _("no event given")
            errors.append(ImportRowError(line, "events", message))
            continue
        ids = [events_by_name[n.casefold()] for n in names]
        if len(set(ids)) < len(ids):
            errors.append(ImportRowError(line, "events", _("an event is listed twice")))
            continue
        rows.append(_Row(line, couple, ids))
    return rows, errors, count


async def import_entries(
    ctx: Context,
    competition_id: int,
    text: str,
    skip_invalid: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import couples and entries from CSV; a file with errors writes nothing unless `skip_invalid`.

    Checked outside the write lock and written in bounded steps: see services/entry_import.py.
    """
    from appliance.services import entry_import  # it builds on _parse_csv above

    return await entry_import.import_entries(ctx, competition_id, text, skip_invalid, progress)
