"""Words for the time of day that fit the person's own clock.

Content texts that speak about the day write `{part_of_day}` or `{rest_of_day}` instead of a fixed
"tonight", and the reply fills them from the person's local hour (their /timezone, else their
server's, else UTC), so nobody is told "tonight" at five in the morning:

    local hour      {part_of_day}      {rest_of_day}
    05:00-11:59     this morning       today
    12:00-17:59     this afternoon     today
    18:00-21:59     this evening       tonight
    22:00-04:59     tonight            tonight

`check_placeholders` is what the content loader uses to refuse any other `{name}` (or a stray brace)
at start, so a typo can never reach a person as "{rest_of_dya}".
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import datetime

PLACEHOLDERS = frozenset({"part_of_day", "rest_of_day"})


@dataclass(frozen=True)
class TimeWords:
    part_of_day: str
    rest_of_day: str

    def fill(self, text: str) -> str:
        """`text` with its placeholders replaced (content is checked at start, see below)."""
        return text.format(part_of_day=self.part_of_day, rest_of_day=self.rest_of_day)


def time_words(local: datetime) -> TimeWords:
    """The words for a local wall-clock moment (an aware datetime already in the person's zone)."""
    hour = local.hour
    if 5 <= hour < 12:
        return TimeWords("this morning", "today")
    if 12 <= hour < 18:
        return TimeWords("this afternoon", "today")
    if 18 <= hour < 22:
        return TimeWords("this evening", "tonight")
    return TimeWords("tonight", "tonight")


def check_placeholders(text: str) -> str:
    """`text` unchanged, or ValueError naming the placeholder (or brace) that can't be filled."""
    try:
        fields = [name for _, name, spec, conv in string.Formatter().parse(text) if name is not None]
    except ValueError as error:
        raise ValueError(f"a lone brace in the text ({error}); write time words as {{rest_of_day}}") from None
    for name in fields:
        if name not in PLACEHOLDERS:
            known = ", ".join(f"{{{p}}}" for p in sorted(PLACEHOLDERS))
            raise ValueError(f"unknown placeholder {{{name}}}: only {known} can be used")
    return text
