"""/bantuan: every command with one example."""

from __future__ import annotations

from bot import messages as m
from bot.context import Command, Context


async def show_help(ctx: Context) -> None:
    await ctx.reply("\n".join((m.HELP_HEADER, *m.HELP_LINES, "", m.TIME_FORMS)))


COMMANDS = [Command("bantuan", ("help",), show_help)]
