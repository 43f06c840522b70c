"""Thin Litestar controllers: parse, call one service, return a Struct."""

from typing import Annotated

from litestar.params import PathParameter

MAX_ID = 2**53
Id = Annotated[int, PathParameter(ge=1, le=MAX_ID, description="a positive id")]
"""A path id: bounded so that no number too large for SQLite reaches the database."""
Token = Annotated[str, PathParameter(min_length=8, max_length=64, description="a registration link's token")]
