"""Render a document: Jinja2 template -> HTML -> A4 PDF (WeasyPrint).

Why WeasyPrint on a Raspberry Pi: it is a Python library on Debian's Pango (libpango-1.0-0, libpangoft2-1.0-0),
which Raspberry Pi OS already carries for its desktop; it implements CSS paged media (`@page` margin boxes,
`counter(page)` / `counter(pages)`, running headers with `string-set`), so "page x of y" and a header per round
are plain CSS; it runs in-process in a worker thread, needs no display, no browser profile and no second process,
and a document peaks at 90-175 MB for the whole process (bench/print_documents.py, docs/performance.md). Headless
Chromium (the kiosk's) prints the same HTML faster, but as a tree of processes beside the kiosk's own (its largest
process alone over 200 MB), needs a DevTools driver or a subprocess with timeouts, and prints no running headers
(`string-set`: the round in each page's header).
"""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
import threading
from functools import cache
from pathlib import Path

import jinja2
import weasyprint
from babel.numbers import format_decimal
from litestar.plugins.jinja import JinjaTemplateEngine

from appliance.db.store import utc_now
from appliance.i18n import SOURCE, gettext, translate_all
from appliance.printing import data, words
from appliance.printing.kept import Kept

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "print"
_one_at_a_time = threading.Lock()  # the box has few cores: documents queue (in worker threads), the loop never waits


@cache
def templates(language: str) -> JinjaTemplateEngine:
    """The templates in `language`: Jinja2's i18n extension with the catalog's gettext (appliance/i18n.py)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every name is escaped: a couple called "<b>" prints as typed
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_callables(*gettext(language), newstyle=False)  # type: ignore[attr-defined]
    env.filters["decimal"] = lambda value: _decimal(value, language)
    env.filters["stamp"] = lambda iso: words.stamp(iso, language, seconds=True)
    env.globals["page_of"] = words.page_of(language)
    return JinjaTemplateEngine.from_environment(env)  # Litestar's Jinja2 support, on our strict, escaping env


def _decimal(value: object, language: str) -> object:
    """A half place or sum ("2.5") with the language's decimal sign; whole numbers and words as they are."""
    if isinstance(value, float):
        return format_decimal(value, locale=language)
    return value


def html(context: dict) -> str:
    """The document's HTML in its language (`lang`, English if none): every marked word in the context said in it."""
    language = context.get("lang", SOURCE)
    said = translate_all({**context, "lang": language}, language)
    return templates(language).get_template(f"{context['doc']}.html.j2").render(**said)


def render(context: dict) -> bytes:
    """The PDF of a document's context (CPU-bound: call it off the event loop; one at a time)."""
    return pdf_of(html(context))


def pdf_of(text: str) -> bytes:
    """The PDF of a document's HTML (CPU-bound: call it off the event loop; one at a time)."""
    with _one_at_a_time:
        stylesheet = weasyprint.CSS(filename=str(TEMPLATES / "print.css"))
        return weasyprint.HTML(string=text, base_url=str(TEMPLATES)).write_pdf(stylesheets=[stylesheet])


def kept(data_dir: Path) -> Kept:
    """The PDFs kept in the data dir between exports, valid for this WeasyPrint and these templates."""
    files = sorted(TEMPLATES.glob("*"))
    version = hashlib.sha256(b"".join(f.name.encode() + f.read_bytes() for f in files if f.is_file())).hexdigest()
    return Kept(data_dir, f"weasyprint {weasyprint.__version__} templates {version}", pdf_of)


def document(
    conn: sqlite3.Connection,
    event_id: int,
    doc: str,
    box_key: str,
    printed_at: str | None = None,
    language: str = SOURCE,
) -> bytes:
    """One event's document as PDF bytes in `language`, from one read snapshot (`conn` inside a read)."""
    return render(data.build(conn, event_id, doc, box_key, printed_at or utc_now(), language))


async def document_async(store, event_id: int, doc: str, box_key: str, language: str = SOURCE) -> bytes:
    """The desk's route: the data in a read, the PDF (in `language`) in a worker thread, one document at a time."""
    context = await store.read(lambda conn: data.build(conn, event_id, doc, box_key, store.clock(), language))
    return await asyncio.to_thread(render, context)
