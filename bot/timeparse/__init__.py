"""Read when a post should go out from the front of an Indonesian (or English) phrase.

One entry point, `parse_schedule(phrase, now, tz)`, returns a ParseResult: the resolved
moment (or repeat rule) and the rest of the phrase (the post text), or a reason in Indonesian
with, where there is one, the likely reading as a proposal. Only what is matched exactly is
taken as time; everything after it is the post, untouched. A phrase that could name two
moments is asked about, never guessed: a wrong moment sends a post to a whole group at the
wrong time, a question costs one "ya".

Inside the package: the words (lexicon, plain tables) and the patterns built from them;
the grammar (grammar, days, clocks, every) reads the shape of the phrase without looking at
the clock; resolve, twelve (bare hours), dates, walltime (DST) and rules turn it into a
moment or a RepeatRule as of "now"; dateparser is only a checked fallback for what the
grammar does not know.
"""

from bot.timeparse.parse import ParseResult, parse_schedule

__all__ = ["ParseResult", "parse_schedule"]
