"""How the box's messages name rounds, couples and states: as Messages (appliance/i18n.py), so a German reader sees
"1. Runde", "Endrunde", "Paar 12", "berechnet" where an English one sees "1st round", "Final", "couple 12", "computed".

A round's name is stored in English (appliance/planning.round_names: "1st round", ..., "Quarter-final",
"Semi-final", "Final"; services/joining.REDANCE: "Redance"); a name this module does not know is said as it is.
"""

from __future__ import annotations

import re

from appliance.i18n import Message, _
from appliance.model.registration import Couple

_NUMBERED = re.compile(r"^(\d+)(st|nd|rd|th) round$")
_NAMED = {
    "Final": _("Final"),
    "Semi-final": _("Semi-final"),
    "Quarter-final": _("Quarter-final"),
    "Redance": _("Redance"),
}
_STATES = {  # a round's state and an entry's outcome, as the messages say them ("the Final is computed")
    "planned": _("planned"),
    "drawn": _("drawn"),
    "running": _("running"),
    "computed": _("computed"),
    "awaiting_chair": _("awaiting_chair"),
    "closed": _("closed"),
    "official": _("official"),
    "withdrawn": _("withdrawn"),
    "disqualified": _("disqualified"),
    "scratched": _("scratched"),
}


def round_name(name: str) -> Message | str:
    """A stored round name as a Message ("1st round" -> German "1. Runde")."""
    numbered = _NUMBERED.match(name)
    if numbered:
        return _("{number}{suffix} round", number=int(numbered[1]), suffix=numbered[2])
    return _NAMED.get(name, name)


def state_word(word: str) -> Message | str:
    """A round's state or an entry's status in words ("computed" -> "berechnet")."""
    return _STATES.get(word, word)


def couple_label(couple: Couple) -> Message:
    """How a message names a couple: by its bib ("couple 12"), or by its names before bibs are given."""
    if couple.bib is not None:
        return _("couple {bib}", bib=couple.bib)
    return _("the couple {leader} / {follower}", leader=couple.leader, follower=couple.follower)
