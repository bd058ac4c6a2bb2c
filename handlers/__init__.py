"""Command handlers, one module per command family, assembled here in one registry."""

from bot.context import Command
from handlers import edit, groups, help, history, proposal, queue, schedule, status, zone


def all_commands() -> list[Command]:
    return [
        *schedule.COMMANDS,
        *queue.COMMANDS,
        *edit.COMMANDS,
        *history.COMMANDS,
        *status.COMMANDS,
        *groups.COMMANDS,
        *zone.COMMANDS,
        *proposal.COMMANDS,
        *help.COMMANDS,
    ]
