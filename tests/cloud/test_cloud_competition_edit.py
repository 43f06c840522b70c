"""A competition the scrutineer edited (PATCH /api/competitions/{id}, logged as `competition.updated`) is listed by
the cloud with its name, venue and dates as they now are, not as they were created."""

from __future__ import annotations

import json

from appliance.cloud.public import STRUCTURE, _structure


def _row(seq: int, kind: str, payload: dict) -> tuple:
    return (seq, kind, f"x/{payload['id']}", json.dumps(payload))


def test_the_cloud_follows_an_edited_competition():
    created = {"id": 1, "name": "Spring Cup", "venue": "Hall", "starts_on": "2026-12-05", "ends_on": "2026-12-05"}
    other = created | {"id": 2, "name": "Autumn Cup"}
    edited = created | {"name": "Spring Open", "venue": "Civic Hall", "first_bib": 101, "floors": []}
    event = {"id": 7, "competition_id": 1}
    assert "competition.updated" in STRUCTURE
    rows = [
        _row(1, "competition.created", created),
        _row(2, "competition.created", other),
        _row(3, "event.created", event),
        _row(4, "competition.updated", edited),
    ]
    competitions, event_of = _structure(rows)
    assert competitions == [created | {"name": "Spring Open", "venue": "Civic Hall"}, other]
    assert event_of == {7: 1}
