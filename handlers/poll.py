"""/polling: queue a WhatsApp poll, with the groups, times and repeat rules of /jadwal.

The poll is read after the time as bot.pollspec writes it (`<pertanyaan> | <pilihan> | ...`,
`(banyak)` first, or before the time, for several choices); what WhatsApp would refuse is
refused now, with PollError's reason. A poll's text cannot be changed later (/ubah teks
refuses it): to change it, cancel it and queue a new one.
"""

from __future__ import annotations

from bot import messages as m
from bot.context import Command, Context, UserError
from bot.pollspec import MULTIPLE, PollError, parse_poll
from bot.timeparse import ParseResult
from handlers.schedule import Draft, schedule_command


async def schedule_poll(ctx: Context) -> None:
    await schedule_command(ctx, "polling", _poll_draft, before_time=MULTIPLE)


def _poll_draft(ctx: Context, parsed: ParseResult, mention_all: bool) -> Draft:
    if mention_all:
        raise UserError(m.POLL_NO_MENTION_ALL, "polling")
    try:
        poll = parse_poll(parsed.text)
    except PollError as refused:
        raise UserError(refused.reason, "polling") from None
    return Draft("", None, parsed.rule, poll=poll)


COMMANDS = [
    Command(
        "polling",
        ("poll",),
        schedule_poll,
        usage=m.POLLING_USAGE,
        example=m.POLLING_EXAMPLE,
        summary=m.POLLING_SUMMARY,
        notes=(m.POLLING_MULTIPLE, m.POLLING_LIMITS, m.POLLING_EDIT, m.TIME_FORMS),
    )
]
