"""A poll as the owner writes it after the time: `<pertanyaan> | <pilihan 1> | <pilihan 2> ...`.

`(banyak)` (or `(multi)`) before the question lets each member pick several options; without
it a member picks one, as WhatsApp's own poll defaults to. /polling also takes it before the
time (MULTIPLE): nothing else there starts with a bracket, so it cannot be mistaken.

Limits, refused here when the poll is scheduled, not when it is sent (whatsmeow's
BuildPollCreation, msgsecret.go, checks none of them): 2 to 12 distinct options, as the
go-whatsapp-web-multidevice (GOWA) and Wawp send-poll API docs state; an option under 255
characters (Wawp's docs). No public document gives a limit for the question: 255 here too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot import messages as m

SEPARATOR = "|"
MIN_OPTIONS = 2
MAX_OPTIONS = 12
MAX_QUESTION = 255
MAX_OPTION = 254
MULTIPLE = re.compile(r"\((?:banyak|multi|multiple)\)(?:\s+|$)", re.IGNORECASE)
# Before the question, once or more (before the time and again after it: still one flag).
_MULTI = re.compile(r"(?:\((?:banyak|multi|multiple)\)\s*)+", re.IGNORECASE)


class PollError(ValueError):
    """The poll cannot be sent as written; `reason` is the owner's Indonesian reply."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class PollSpec:
    question: str
    options: tuple[str, ...]
    multiple: bool = False  # each member may pick several options

    def to_text(self) -> str:
        """The stored form, read back by parse_poll."""
        head = "(banyak) " if self.multiple else ""
        return f" {SEPARATOR} ".join((head + self.question, *self.options))

    def describe(self) -> str:
        """The poll as a reply shows it: the question, then one numbered option a line."""
        kind = m.POLL_MULTIPLE if self.multiple else m.POLL_SINGLE
        lines = [m.POLL_HEADER.format(question=self.question, kind=kind)]
        lines += [f"  {i}. {option}" for i, option in enumerate(self.options, start=1)]
        return "\n".join(lines)


def parse_poll(text: str) -> PollSpec:
    """'(banyak) Makan di mana? | Bakso | Soto' -> PollSpec; PollError with the reason."""
    flat = " ".join(text.split())  # a poll is one line; line breaks are spaces
    multi = _MULTI.match(flat)
    if multi:
        flat = flat[multi.end() :]
    question, *options = (part.strip() for part in flat.split(SEPARATOR))
    if not question:
        raise PollError(m.POLL_NO_QUESTION)
    if len(question) > MAX_QUESTION:
        raise PollError(m.POLL_QUESTION_TOO_LONG.format(length=len(question), limit=MAX_QUESTION))
    options = [option for option in options if option]
    if len(options) < MIN_OPTIONS:
        raise PollError(m.POLL_TOO_FEW.format(count=len(options), minimum=MIN_OPTIONS))
    if len(options) > MAX_OPTIONS:
        raise PollError(m.POLL_TOO_MANY.format(count=len(options), limit=MAX_OPTIONS))
    for option in options:
        if len(option) > MAX_OPTION:
            raise PollError(m.POLL_OPTION_TOO_LONG.format(option=m.echo(option), limit=MAX_OPTION))
    seen: set[str] = set()
    for option in options:
        if option.casefold() in seen:
            raise PollError(m.POLL_DUPLICATE.format(option=m.echo(option)))
        seen.add(option.casefold())
    return PollSpec(question, tuple(options), multiple=multi is not None)
