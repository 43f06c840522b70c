"""German and English: the box's words in a gettext catalog (Babel), said in the language of whoever reads them.

Messages are written in English, the msgid, and marked with `_()` (or `_n()` for a count). `_()` returns a
`Message`: a str in English that remembers its msgid and arguments, so the edge that meets a person (an HTTP
answer, a printed document, the CLI) says it in German: `translate(message, "de")`. The catalog is
`appliance/locale/de/LC_MESSAGES/messages.po`; `tests/quality/test_catalogs.py` fails on any message marked in
the code and missing from it, or kept in it and no longer used.

Who reads in which language:
- a page: the language its switch chose (cookie `floorcraft.lang`, set by web/lib/i18n.js), else the browser's
  Accept-Language (the first of German or English it names; German when it names neither: the DTV's events run
  in German); a request with no Accept-Language at all is a program, and gets English (gettext's source);
- the CLI: LC_ALL / LC_MESSAGES / LANG / LANGUAGE when they name German or English, else English (the C locale).
"""

from __future__ import annotations

import os
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES = ("de", "en")
BROWSER_DEFAULT = "de"
SOURCE = "en"
COOKIE = "floorcraft.lang"
LOCALE_DIR = Path(__file__).parent / "locale"


class Message(str):
    """A message in English that can be said again in German (see the module's doc)."""

    msgid: str | tuple[str, str]
    params: dict[str, Any]

    def __new__(cls, msgid: str | tuple[str, str], params: dict[str, Any]) -> Message:
        text = _pick(msgid, params)
        made = super().__new__(cls, text.format(**params) if params else text)
        made.msgid = msgid
        made.params = params
        return made


def _pick(msgid: str | tuple[str, str], params: dict[str, Any]) -> str:
    if isinstance(msgid, tuple):
        return msgid[0] if params.get("n") == 1 else msgid[1]
    return msgid


def _(msgid: str, **params: Any) -> Message:
    """Mark `msgid` (English, with {named} fields) for translation; it reads as English until translated."""
    return Message(msgid, params)


def _n(singular: str, plural: str, n: int, **params: Any) -> Message:
    """A message that depends on a count `n`: "1 sheet" / "{n} sheets" (German uses the same two forms)."""
    return Message((singular, plural), {"n": n, **params})


def N_(msgid: str) -> str:
    """Mark a word for the catalog where it is defined (a table of names); translate it where it is said."""
    return msgid


@cache
def catalog(language: str) -> dict[Any, Any]:
    """msgid -> translation for `language` (empty for English, the source); untranslated entries left out."""
    if language == SOURCE or language not in LANGUAGES:
        return {}
    from babel.messages.pofile import read_po  # only when German is first needed

    with (LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        entries = read_po(po, locale=language)
    return {entry.id: entry.string for entry in entries if entry.id and _translated(entry)}


def _translated(entry) -> bool:
    strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
    return not entry.fuzzy and all(strings)


def translate(text: Any, language: str) -> Any:
    """`text` in `language`: a Message translated (its Message arguments too), anything else as it is."""
    if not isinstance(text, Message):
        return text
    params = {key: translate(value, language) for key, value in text.params.items()}
    found = catalog(language).get(text.msgid)
    if found is None:
        words = _pick(text.msgid, params)
    elif isinstance(found, tuple):
        words = found[0] if params.get("n") == 1 else found[-1]
    else:
        words = found
    return words.format(**params) if params else words


def translate_all(value: Any, language: str) -> Any:
    """`value` with every Message in it (in dicts, lists and tuples too) said in `language` (a document's data)."""
    if isinstance(value, dict):
        return {key: translate_all(item, language) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(translate_all(item, language) for item in value)
    return translate(value, language)


def to_tree(message: Message) -> dict[str, Any]:
    """A Message as JSON to store (a computed final's reasons): {"msgid": ..., "params": {...}}, a plural msgid as
    a 2-list, a param that is a Message nested the same way; `from_tree` makes the Message again."""
    msgid = list(message.msgid) if isinstance(message.msgid, tuple) else message.msgid
    params = {key: to_tree(value) if isinstance(value, Message) else value for key, value in message.params.items()}
    return {"msgid": msgid, "params": params}


def from_tree(tree: dict[str, Any]) -> Message:
    """The Message `to_tree` stored, to say in any language (`translate(from_tree(tree), "de")`)."""
    msgid = tree["msgid"]
    params = {
        key: from_tree(value) if isinstance(value, dict) and "msgid" in value else value
        for key, value in tree.get("params", {}).items()
    }
    return Message(tuple(msgid) if isinstance(msgid, list) else msgid, params)


def gettext(language: str):
    """The (gettext, ngettext) pair for Jinja2's i18n extension in `language` (printed documents)."""

    def gettext_(message: str, **params: Any) -> str:
        return translate(_(message, **params), language)

    def ngettext_(singular: str, plural: str, n: int, **params: Any) -> str:
        return translate(_n(singular, plural, n, **params), language)

    return gettext_, ngettext_


def from_accept_language(header: str | None) -> str:
    """The language for an Accept-Language header (see the module's doc)."""
    if not header:
        return SOURCE
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        tag, _sep, rest = part.strip().partition(";")
        quality = 1.0
        if rest.strip().startswith("q="):
            try:
                quality = float(rest.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().split("-")[0].lower()
        if primary in LANGUAGES and quality > 0:
            ranked.append((-quality, index, primary))
    return min(ranked)[2] if ranked else BROWSER_DEFAULT


def for_request(cookies: dict[str, str], accept_language: str | None) -> str:
    """The language to answer a request in: the page's switch (cookie), else its Accept-Language."""
    chosen = cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return from_accept_language(accept_language)


ASKED: ContextVar[str] = ContextVar("floorcraft_asked_language", default=SOURCE)
"""The language of the request being answered: the box's first middleware (appliance/trust/hosts.py) sets it per
request, so that a Message that reaches an answer's body is said in it (the app's type encoder, `said_to_asker`)."""


def said_to_asker(message: Message) -> str:
    """A Message in the language of the request being answered (English outside a request)."""
    return str(translate(message, ASKED.get()))


def message_of(exc: BaseException) -> Any:
    """What an exception says: its message as raised (a Message stays one, to be translated), else its text."""
    first = exc.args[0] if len(exc.args) == 1 else None
    return first if isinstance(first, str) else str(exc)


def for_scope(scope: dict) -> str:
    """The language to answer a plain-ASGI request in (middleware's refusals): as `for_request`, from its headers."""
    cookies: dict[str, str] = {}
    accept = None
    for key, value in scope.get("headers", ()):
        if key == b"cookie":
            for part in value.decode("latin-1").split(";"):
                name, _sep, text = part.strip().partition("=")
                cookies.setdefault(name, text.strip().strip('"'))
        elif key == b"accept-language" and accept is None:
            accept = value.decode("latin-1")
    return for_request(cookies, accept)


def for_terminal(environ: dict[str, str] | None = None) -> str:
    """The CLI's language from the POSIX locale variables; English when they name neither (C, POSIX, unset)."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:
            primary = value.split("_")[0].split(".")[0].lower()
            return primary if primary in LANGUAGES else _first_of(env.get("LANGUAGE", ""))
    return _first_of(env.get("LANGUAGE", ""))


def _first_of(priority_list: str) -> str:
    for item in priority_list.split(":"):
        primary = item.split("_")[0].lower()
        if primary in LANGUAGES:
            return primary
    return SOURCE
