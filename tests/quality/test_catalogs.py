"""German and English everywhere: every word marked in the code is in its catalog, translated, and every
catalog entry is still used (the box: Babel over appliance/ and its templates; the pages: web/lib/locale/de.json).

A message a person reads may not bypass the catalog: an error raised with a bare string or f-string
(instead of `_()` from appliance/i18n.py) fails here, and so does a page's `t()` with a computed key.
"""

from __future__ import annotations

import ast
import json
import re
import string
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from appliance import i18n
from tests.conftest import ROOT

KEYWORDS = {"_": None, "_n": (1, 2), "N_": None, "gettext": None, "ngettext": (1, 2)}
WEB = ROOT / "web"
PAGE_CATALOG = WEB / "lib" / "locale" / "de.json"
# Whoever says these to a person must say them through the catalog: the first argument may not be text.
SAID = {"AppError", "Invalid", "NotFound", "Conflict", "Gone", "Unauthorized", "Forbidden", "StorageFull"}
SAID |= {"TooManyAttempts", "_fail", "fail", "refuse", "Refused", "send_error"}
SAID |= {"tell", "StoreError", "SealError", "WrongPassphrase", "WdsfError", "PairingError", "PairingRefused"}
SAID |= {"BadSignature", "PlanError", "Unavailable", "GapError"}  # the CLI's lines, and errors a person reads
SAID |= {"MarksError", "CrossSite", "UnsupportedMediaType"}  # the calculator's refusals, a page's refused write


def _marked_in_box() -> dict[str | tuple[str, str], list[str]]:
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        key = message if isinstance(message, str) else tuple(message)
        found.setdefault(key, []).append(f"{filename}:{lineno}")
    return found


def _german_catalog():
    with (i18n.LOCALE_DIR / "de" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale="de")


def _fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


def test_every_message_marked_in_the_box_has_its_german_and_every_german_entry_is_used():
    marked = _marked_in_box()
    catalog = {entry.id: entry for entry in _german_catalog() if entry.id}
    missing = [f"{key!r} ({where[0]})" for key, where in marked.items() if key not in catalog]
    assert not missing, "marked for translation but not in messages.po (run ./dev catalog):\n" + "\n".join(missing)
    unused = [repr(key) for key in catalog if key not in marked]
    assert not unused, "in messages.po but no longer in the code (run ./dev catalog):\n" + "\n".join(unused)
    untranslated = [repr(key) for key, entry in catalog.items() if entry.fuzzy or not all(_strings(entry.string))]
    assert not untranslated, "messages.po has no German (or only a fuzzy one) for:\n" + "\n".join(untranslated)


def _strings(value) -> tuple:
    return value if isinstance(value, tuple) else (value,)


def test_a_german_message_fills_the_same_fields_as_its_english():
    wrong = []
    for entry in _german_catalog():
        if not entry.id:
            continue
        english = set().union(*(_fields(text) for text in _strings(entry.id)))
        for german in _strings(entry.string):
            if german and _fields(german) - english - {"n"}:
                wrong.append(f"{entry.id!r}: {german!r}")
    assert not wrong, "German fills a field the English does not give:\n" + "\n".join(wrong)


def _bare_messages(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
        if name == "send_error" and len(node.args) >= 4:  # plain ASGI: send_error(send, status, code, message)
            name, first = "send_error", node.args[3]
        else:
            first = node.args[0]
        bare = isinstance(first, ast.JoinedStr) or (isinstance(first, ast.Constant) and isinstance(first.value, str))
        if name in SAID and bare:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}(...)")
    return found


def test_no_message_for_a_person_is_raised_without_the_catalog():
    bare = [hit for path in sorted((ROOT / "appliance").rglob("*.py")) for hit in _bare_messages(path)]
    assert not bare, "said with a bare string instead of _() (appliance/i18n.py):\n" + "\n".join(bare)


# --- the pages -------------------------------------------------------------------------------------------

_T_CALL = re.compile(r"""\b(t|n_)\(\s*(["'`])((?:\\.|(?!\2).)*)\2""", re.DOTALL)
_TN_CALL = re.compile(r"""\btn\(\s*[^,()]+,\s*(["'`])((?:\\.|(?!\1).)*)\1\s*,\s*(["'`])((?:\\.|(?!\3).)*)\3""")
_INTERPOLATED = re.compile(r"\bt\(\s*`[^`]*\$\{")
LIB = WEB / "lib" / "i18n.js"  # the catalog's own code: its comments show t() and it calls t() with any text


def _scripts():
    return [path for path in sorted(WEB.rglob("*.js")) if "vendor" not in path.parts and path != LIB]


class _Marked(HTMLParser):
    """The words of elements marked data-i18n (their text; with ="html" their markup, as web/lib/i18n.js reads
    innerHTML) and data-i18n-attr (those attributes' values)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.words: set[str] = set()
        self._open: list[tuple[str, bool, list[str], int]] = []  # tag, as markup, parts, depth of same tags
        self._depth: dict[str, int] = {}

    def handle_starttag(self, tag, attrs):
        named = dict(attrs)
        for attribute in (named.get("data-i18n-attr") or "").split():
            if named.get(attribute):
                self.words.add(named[attribute].strip())
        for _tag, markup, parts, _d in self._open:
            if markup:
                parts.append(self.get_starttag_text() or "")
        self._depth[tag] = self._depth.get(tag, 0) + 1
        if "data-i18n" in named:
            self._open.append((tag, named["data-i18n"] == "html", [], self._depth[tag]))

    def handle_data(self, data, raw=None):
        for _tag, markup, parts, _d in self._open:
            parts.append(raw if markup and raw else data)

    def handle_entityref(self, name):
        self.handle_data(unescape(f"&{name};"), f"&{name};")

    def handle_charref(self, name):
        self.handle_data(unescape(f"&#{name};"), f"&#{name};")

    def handle_endtag(self, tag):
        if self._open and self._open[-1][0] == tag and self._open[-1][3] == self._depth.get(tag):
            _tag, _markup, parts, _d = self._open.pop()
            self.words.add(" ".join("".join(parts).split()))
        for _tag, markup, parts, _d in self._open:
            if markup:
                parts.append(f"</{tag}>")
        self._depth[tag] = self._depth.get(tag, 1) - 1


def _page_words() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in _scripts():
        text = path.read_text()
        for match in _T_CALL.finditer(text):
            found.setdefault(match[3], str(path.relative_to(ROOT)))
        for match in _TN_CALL.finditer(text):
            found.setdefault(match[2], str(path.relative_to(ROOT)))
            found.setdefault(match[4], str(path.relative_to(ROOT)))
    for path in sorted(WEB.rglob("*.html")):
        parser = _Marked()
        parser.feed(path.read_text())
        for word in parser.words:
            found.setdefault(word, str(path.relative_to(ROOT)))
    return found


def _braces(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", text))


def test_every_word_a_page_says_has_its_german_and_every_german_entry_is_used():
    used = _page_words()
    catalog = json.loads(PAGE_CATALOG.read_text())
    missing = [f"{word!r} ({where})" for word, where in sorted(used.items()) if word not in catalog]
    assert not missing, f"the pages say, but {PAGE_CATALOG.name} lacks:\n" + "\n".join(missing)
    unused = [repr(word) for word in catalog if word not in used]
    assert not unused, f"{PAGE_CATALOG.name} keeps words no page says any more:\n" + "\n".join(unused)
    empty = [repr(word) for word, german in catalog.items() if not isinstance(german, str) or not german.strip()]
    assert not empty, "no German for:\n" + "\n".join(empty)
    wrong = [f"{w!r}: {g!r}" for w, g in catalog.items() if _braces(g) - _braces(w)]
    assert not wrong, "German fills a field the English does not give:\n" + "\n".join(wrong)


def test_a_page_fills_words_in_with_params_not_into_the_key():
    built = []
    for path in _scripts():
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if _INTERPOLATED.search(line):
                built.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not built, 't(`...${x}`) has no entry in the catalog: write t("... {x}", { x }):\n' + "\n".join(built)


def test_the_box_says_a_marked_message_in_german_and_in_english():
    message = i18n._n("one sheet is queued", "{n} sheets are queued", 3)
    assert str(message) == "3 sheets are queued"
    assert i18n.translate(message, "en") == "3 sheets are queued"
    assert i18n.from_accept_language("fr-FR, de;q=0.5, en;q=0.9") == "en"
    assert i18n.from_accept_language("fr-FR") == "de"
    assert i18n.from_accept_language(None) == "en"
    assert i18n.for_request({i18n.COOKIE: "en"}, "de-DE") == "en"
    assert i18n.for_terminal({"LANG": "de_DE.UTF-8"}) == "de"
    assert i18n.for_terminal({"LANG": "C.UTF-8"}) == "en"
