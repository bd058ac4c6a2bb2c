"""Read when a post should go out from the front of an Indonesian (or English) phrase.

One entry point, `parse_schedule(phrase, now, tz, typed_at=...)`, returns a ParseResult: the
resolved moment (or repeat rule) and the rest of the phrase (the post text), or a reason in
Indonesian with, where there is one, the likely reading as a proposal. Only what is matched
exactly is taken as time; everything after it is the post, untouched. A phrase that could name
two moments is asked about, never guessed: a wrong moment sends a post to a whole group at the
wrong time, a question costs one "ya".

Inside the package: the words (lexicon, plain tables) and the patterns built from them;
the grammar (grammar, days, clocks, every) reads the shape of the phrase without looking at
the clock; resolve, twelve (bare hours), dates, walltime (DST) and rules turn it into a
moment or a RepeatRule as of "now"; parse puts them together; dateparser is only a checked
fallback for what the grammar does not know. The grammar is loaded with the first phrase read,
not with the bot: compiling its patterns takes ~50 ms, dateparser ~0.15 s more on first use.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.timeparse.result import ParseResult

__all__ = ["ParseResult", "parse_schedule"]


def parse_schedule(
    phrase: str, now: datetime, tz: ZoneInfo, *, typed_at: datetime | None = None
) -> ParseResult:
    """Split `phrase` into (moment, post text) as of `now` (timezone-aware).

    `typed_at`, when the owner typed the phrase (not after `now`): relative times count from
    it, so 'dalam 1 jam' typed at 17:00 means 18:00 however late the message arrived. A moment
    that `now` has already passed is refused as any past time is, with a proposal read as of
    `now`; a repeating rule that reads the same either way starts at its next occurrence.
    """
    from bot.timeparse.parse import read_schedule  # the grammar, on first use

    return read_schedule(phrase, now, tz, typed_at=typed_at)
