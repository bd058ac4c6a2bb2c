"""Command handlers, one module per command family, assembled here in one registry."""

from bot.context import Command
from handlers import groups, help, history, queue, schedule, status


def all_commands() -> list[Command]:
    return [*schedule.COMMANDS, *queue.COMMANDS, *history.COMMANDS, *status.COMMANDS,
            *groups.COMMANDS, *help.COMMANDS]
