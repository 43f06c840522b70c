"""The marks report as data: what the printed marks report shows (printing/marks.py builds it, one computation
for both), for the desk's results view. Dances keep their codes (the page names them in its language); the
reasons, in words, are said in the reader's language."""

from __future__ import annotations

import sqlite3

from appliance.i18n import translate_all
from appliance.printing import data
from appliance.services import Context, lookups


async def marks_report(ctx: Context, event_id: int, language: str) -> dict:
    """Every computed round of the event in the conventional layout: a recall round's crosses by couple and judge
    with the totals and who is recalled; a final's places by judge per dance with the Skating columns."""

    def read(conn: sqlite3.Connection) -> dict:
        return data.marks_doc(conn, lookups.event(conn, event_id), names=lambda code: code)

    return translate_all(await ctx.store.read(read), language)
