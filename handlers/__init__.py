"""Command handlers, one module per command family, assembled here in one registry, in the
order /bantuan lists them."""

from bot.context import Command
from handlers import (
    calendar,
    edit,
    groups,
    help,
    history,
    poll,
    proposal,
    queue,
    schedule,
    status,
    zone,
)


def all_commands() -> list[Command]:
    return [
        *schedule.COMMANDS,
        *poll.COMMANDS,
        *queue.COMMANDS,
        *calendar.COMMANDS,
        *edit.COMMANDS,
        *history.COMMANDS,
        *status.COMMANDS,
        *groups.COMMANDS,
        *zone.COMMANDS,
        *proposal.COMMANDS,
        *help.COMMANDS,
    ]
