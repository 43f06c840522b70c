"""The words of a clash in the day's schedule (services/schedule.py): a couple due on two floors at once, with
both rounds' times in one clock (the first floor's), its UTC offset named once when the floors' offsets differ."""

from __future__ import annotations

import datetime as dt

from appliance.i18n import Message, _
from appliance.model.schedule import ClashRound
from appliance.scoring import schedule as timing
from appliance.words import round_name


def _clock(shown: list[ClashRound]) -> tuple[list[tuple[str, str]], str | None]:
    """Each round's "HH:MM" start and end in the first floor's clock, and that clock's UTC offset ("+02:00")
    when the floors' offsets differ (named once in the message), else None: every time in one clock."""
    starts = [(dt.datetime.fromisoformat(r.start), dt.datetime.fromisoformat(r.end)) for r in shown[:2]]
    tz = starts[0][0].tzinfo
    mixed = len({start.utcoffset() for start, _end in starts}) > 1
    hhmm = [(start.astimezone(tz).strftime("%H:%M"), end.astimezone(tz).strftime("%H:%M")) for start, end in starts]
    return hhmm, (shown[0].start[19:] or None) if mixed else None


def clash_words(clash: timing.Clash, shown: list[ClashRound]) -> Message:
    """ "couple 12 is due on Main floor (Adult Latin, Final, 10:00-10:20) and Second floor (...) at once"; floors
    on different UTC offsets: both times in the first one's clock, "(times at UTC+02:00)" after it."""
    hhmm, offset = _clock(shown)
    words = _clash_sentence(clash, shown, hhmm)
    return words if offset is None else _("{clash} (times at UTC{offset})", clash=words, offset=offset)


def _clash_sentence(clash: timing.Clash, shown: list[ClashRound], hhmm: list[tuple[str, str]]) -> Message:
    first, second = (
        _(
            "{floor} ({event}, {round}, {start}-{end})",
            floor=r.floor,
            event=r.event,
            round=round_name(r.round),
            start=start,
            end=end,
        )
        for r, (start, end) in zip(shown[:2], hhmm, strict=True)
    )
    if len(clash.bibs) == 1:
        if clash.certain:
            return _(
                "couple {bib} is due on {first} and {second} at once", bib=clash.bibs[0], first=first, second=second
            )
        return _(
            "couple {bib} may be due on {first} and {second} at once", bib=clash.bibs[0], first=first, second=second
        )
    bibs: Message | str = str(clash.bibs[0])
    for bib in clash.bibs[1:]:
        bibs = _("{first} and {then}", first=bibs, then=bib)
    if clash.certain:
        return _(
            "a dancer of couples {bibs} is due on {first} and {second} at once", bibs=bibs, first=first, second=second
        )
    return _(
        "a dancer of couples {bibs} may be due on {first} and {second} at once", bibs=bibs, first=first, second=second
    )
