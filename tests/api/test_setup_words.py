"""Issue #12 point 2: the desk's setup forms are refused in the words of the sport, naming the field (shown next to
it), never in validator text such as ``Expected `int` <= 8``."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("final_size", 9, "the final must have 6 to 8 couples"),
        ("final_size", 5, "the final must have 6 to 8 couples"),
        ("final_size", None, "the final must have 6 to 8 couples"),
        ("max_per_heat", 49, "a heat must have 2 to 48 couples"),
        ("max_per_heat", 1, "a heat must have 2 to 48 couples"),
    ],
)
async def test_an_event_with_bounds_out_of_the_rules_is_refused_in_plain_words(api, field, value, words):
    comp = await api.competition()
    body = {"name": "Adult Standard", "style": "standard", "dances": ["W"], field: value}
    error = await api.refused("POST", f"/api/competitions/{comp['id']}/events", 400, field, json=body)
    assert error["message"] == words


async def test_a_required_bounded_field_still_says_it_is_required(api):
    comp = await api.competition()
    body = {"name": "Adult Standard", "style": "standard", "dances": ["W"], "final_size": 6, "colour": "red"}
    error = await api.refused("POST", f"/api/competitions/{comp['id']}/events", 400, "colour", json=body)
    assert error["message"] == "colour is not a field this request takes"
