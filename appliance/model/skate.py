"""The scrutineer's calculator format (`floorcraft skate`), see docs/skate-format.md."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
CoupleNumber = Annotated[int, msgspec.Meta(ge=0, le=99999)]


class FinalSheet(msgspec.Struct, tag="final", tag_field="type", frozen=True):
    """A final: marks[dance][couple][i] is the place judge judges[i] gave the couple in that dance."""

    judges: Annotated[list[Name], msgspec.Meta(min_length=1, max_length=31)]
    dances: Annotated[list[Name], msgspec.Meta(min_length=1, max_length=20)]
    marks: dict[Name, dict[Name, list[Any]]]  # checked place by place, to name judge, dance and couple


class RecallSheet(msgspec.Struct, tag="recall", tag_field="type", frozen=True):
    """A recall round: marks[dance][judge] lists the couples that judge crossed."""

    judges: Annotated[list[Name], msgspec.Meta(min_length=1, max_length=31)]
    dances: Annotated[list[Name], msgspec.Meta(min_length=1, max_length=20)]
    couples: Annotated[list[CoupleNumber], msgspec.Meta(min_length=1, max_length=2000)]
    recall: Annotated[int, msgspec.Meta(ge=1, le=2000)]
    marks: dict[Name, dict[Name, list[Any]]]  # checked cross by cross


Sheet = FinalSheet | RecallSheet
