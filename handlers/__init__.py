"""Command handlers, one module per command family, assembled here in one registry, in the
order /bantuan lists them."""

from bot.context import Command
from handlers import (
    calendar,
    edit,
    groups,
    help,
    history,
    missed,
    poll,
    proposal,
    protect,
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
        *missed.COMMANDS,
        *status.COMMANDS,
        *groups.COMMANDS,
        *zone.COMMANDS,
        *protect.COMMANDS,
        *proposal.COMMANDS,
        *help.COMMANDS,
    ]
