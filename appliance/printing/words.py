"""The documents' own words that the database stores in English (the dances; rounds and states: appliance/words.py)
and their dates, said in the document's language: the words are Messages (appliance/i18n.py), translated when the
page is laid out (`pdf.html`); dates and times are formatted here with Babel for the language."""

from __future__ import annotations

import datetime as dt

from appliance.i18n import _, translate
from appliance.model.competition import DANCE_NAMES


def dance_name(code: str) -> str:
    """A dance's name (a Message) for its code (model/competition.py's DANCE_NAMES); a custom code as it is."""
    return _(DANCE_NAMES[code]) if code in DANCE_NAMES else code


def event_dates(first: dt.date, last: dt.date, language: str) -> str:
    """The competition's day(s): "5 December 2026", "5 December to 6 December 2026" (German "5. Dezember 2026")."""
    if language == "de":
        from babel.dates import format_date  # loaded when a German document is made: the box's idle memory

        if first == last:
            return format_date(first, "d. MMMM y", locale="de")
        same_month = (first.year, first.month) == (last.year, last.month)
        start = "d." if same_month else "d. MMMM" if first.year == last.year else "d. MMMM y"
        return format_date(first, start, locale="de") + "\u2013" + format_date(last, "d. MMMM y", locale="de")
    if first == last:
        return first.strftime("%-d %B %Y")
    return f"{first.strftime('%-d %B')} to {last.strftime('%-d %B %Y')}"


def stamp(iso: str, language: str, seconds: bool = False) -> str:
    """A UTC time from the box ("2026-12-05T20:00:00.123Z") as a person reads it: "2026-12-05 20:00" (German
    "05.12.2026 20:00")."""
    if language != "de":
        return iso[: 19 if seconds else 16].replace("T", " ")
    from babel.dates import format_datetime  # as in event_dates

    when = dt.datetime.fromisoformat(iso[:19])
    return format_datetime(when, "dd.MM.yyyy HH:mm:ss" if seconds else "dd.MM.yyyy HH:mm", locale="de")


def page_of(language: str) -> list[str]:
    """ "page {page} of {pages}" in `language`, cut around its two numbers for the page's CSS counters."""
    said = translate(_("page {page} of {pages}", page="\x00", pages="\x01"), language)
    before, rest = said.split("\x00", 1)
    between, after = rest.split("\x01", 1)
    return [before, between, after]
