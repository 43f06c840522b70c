"""The Skating System, pure: no I/O, no clock, no asyncio.

Rule 1 (recall rounds) lives in `recall`, Rules 2-4 (validation of final
marks) in `validation`, Rules 5-8 (one dance) in `skating`, Rules 9-11
(several dances) in `multidance`, and the plain-word explanation of every
placing in `explain`.

Places are handled internally as *doubled integers* (a shared 2nd/3rd place is
5, i.e. 2.5): the mean of consecutive places is always a multiple of one half,
so doubled integers are exact and much faster than `fractions.Fraction`. The
public results convert them to `Fraction`.
"""

from appliance.scoring.multidance import FinalResult, place_final
from appliance.scoring.recall import RecallResult, count_recall
from appliance.scoring.skating import DancePlacing, place_dance
from appliance.scoring.validation import MarksError

__all__ = [
    "DancePlacing",
    "FinalResult",
    "MarksError",
    "RecallResult",
    "count_recall",
    "place_dance",
    "place_final",
]
