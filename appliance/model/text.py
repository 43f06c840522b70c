"""Text that people and organisers type (names, clubs, venues, floors...): one type, one rule, everywhere.

    PersonName = Annotated[str, Meta(min_length=1, max_length=80, extra=NAME)]       # required
    Club = Annotated[str, Meta(max_length=80, extra=OPTIONAL_NAME)]                    # may be left empty

A Struct that inherits `Input` gets, in its `__post_init__`, every such field trimmed (whitespace and
zero-width characters at both ends) and NFC-normalised; a required name that shows nothing (empty, spaces,
zero-width or other format characters, lone combining marks, Hangul fillers, the blank Braille pattern) is
refused (an optional one becomes ""), and so is a text-direction override in a name and a control character
(NUL, CR, LF, tab, any other Cc) in *any* text field of the Struct. A refusal is a ValueError worded
"field: plain words", which msgspec turns into a ValidationError; `appliance.errors.plain_validation` names the
field from it. Pure: stdlib and msgspec.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

import msgspec
import msgspec.inspect as mi

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
# letters and symbols that render as nothing: the Hangul fillers and the blank Braille pattern
BLANK_LOOKING = "\u115f\u1160\u3164\uffa0\u2800"
INVISIBLE_CATEGORIES = {"Cf", "Mn", "Me", "Zs", "Zl", "Zp", "Cc"}  # format, combining marks, separators
# bidirectional embeddings, overrides and isolates: "\u202eevil" shows as "live" on the hall screen
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
NAME = {"name": "required"}  # the Meta(extra=...) of a name that must be given
OPTIONAL_NAME = {"name": "optional"}  # ... and of one that may be left empty


def trim(value: str) -> str:
    """Strip whitespace and zero-width characters from both ends."""
    while True:
        stripped = value.strip().strip(ZERO_WIDTH)
        if stripped == value:
            return value
        value = stripped


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")  # exactly Unicode's category Cc


def control_character(value: str) -> str | None:
    """The first control character (Unicode category Cc) in `value`, if any."""
    found = _CONTROL.search(value)
    return found.group() if found else None


def refuse_control_characters(value: str, field: str) -> str:
    """`value`, or ValueError("field: plain words") if it holds a control character."""
    bad = control_character(value)
    if bad is not None:
        raise ValueError(
            f"{field}: must not contain control characters such as line breaks, tabs or NUL (found U+{ord(bad):04X})"
        )
    return value


def blank(value: str) -> bool:
    """True if nothing of `value` would show: only spaces, zero-width or format characters, marks, fillers."""
    return all(ch.isspace() or ch in BLANK_LOOKING or unicodedata.category(ch) in INVISIBLE_CATEGORIES for ch in value)


def clean(value: str, field: str, required: bool = True) -> str:
    """The trimmed, NFC-normalised name; ValueError("field: plain words") if it cannot be one."""
    refuse_control_characters(value, field)
    bidi = _BIDI.search(value)
    if bidi is not None:
        raise ValueError(
            f"{field}: must not contain invisible text-direction controls (found U+{ord(bidi.group()):04X})"
        )
    cleaned = unicodedata.normalize("NFC", trim(value))
    if blank(cleaned):
        if required:
            raise ValueError(f"{field}: must not be blank (only spaces or invisible characters)")
        return ""
    return cleaned


def _rule(t: Any) -> str | None:
    """'required' / 'optional' for a name type, 'text' for other text, None for anything else."""
    if isinstance(t, mi.UnionType):
        rules = [r for r in (_rule(member) for member in t.types) if r]
        return rules[0] if rules else None
    if isinstance(t, mi.Metadata):
        if isinstance(t.type, mi.StrType):
            return (t.extra or {}).get("name", "text")
        return _rule(t.type)
    return "text" if isinstance(t, mi.StrType) else None


@functools.cache
def _plan(cls: type) -> tuple[tuple[str, bool, str], ...]:
    """(field, is a list, rule) for every text field of a Struct type."""
    plan = []
    info = mi.type_info(cls)
    for f in info.fields if isinstance(info, mi.StructType) else ():
        t = f.type.type if isinstance(f.type, mi.Metadata) and isinstance(f.type.type, mi.ListType) else f.type
        if isinstance(t, mi.ListType):
            rule = _rule(t.item_type)
            if rule:
                plan.append((f.name, True, rule))
        elif rule := _rule(t):
            plan.append((f.name, False, rule))
    return tuple(plan)


def _check(value: str, field: str, rule: str) -> str:
    return refuse_control_characters(value, field) if rule == "text" else clean(value, field, rule == "required")


class Input(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Base of request bodies with text: names are cleaned, control characters refused (see the module)."""

    def __post_init__(self) -> None:
        for field, is_list, rule in _plan(type(self)):
            value = getattr(self, field)
            if value is None:
                continue
            new: str | list[str] = (
                [_check(v, f"{field}[{i}]", rule) for i, v in enumerate(value)]
                if is_list
                else _check(value, field, rule)
            )
            if new != value:
                msgspec.structs.force_setattr(self, field, new)
