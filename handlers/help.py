"""/bantuan: every command as it declares itself; /bantuan <perintah>: one command in full."""

from __future__ import annotations

from bot import messages as m
from bot.context import Command, Context, UserError

# The list must stay readable on a phone: one entry per command (forms, aliases, summary,
# example), details behind /bantuan <perintah>. A new command that pushes the list past this
# gets a shorter summary, not a longer list.
OVERVIEW_MAX_CHARS = 2000


def aliases(command: Command) -> str:
    """' (/groups, /group)', or '' for a command without aliases."""
    return f" ({', '.join(f'/{alias}' for alias in command.aliases)})" if command.aliases else ""


def entry(command: Command) -> str:
    """One command in the /bantuan list: how it is typed, its aliases, what it does, an example."""
    return m.HELP_ENTRY.format(
        forms=f"/{command.name} {' | '.join(command.usage.splitlines())}".rstrip(),
        aliases=aliases(command),
        summary=command.summary,
        example=command.example,
    )


def overview(commands: list[Command]) -> str:
    return "\n".join((m.HELP_HEADER, *map(entry, commands), "", m.TIME_FORMS))


def details(command: Command) -> str:
    """/bantuan <name>: what it does, every way to type it with an example, then its notes."""
    head = m.HELP_DETAIL.format(
        name=command.name, aliases=aliases(command), summary=command.summary
    )
    usage = m.USAGE_BLOCK.format(usage=command.usage_text())
    return "\n\n".join((head, usage, "\n".join(command.notes))).rstrip()


async def show_help(ctx: Context) -> None:
    wanted = ctx.args.split(maxsplit=1)[0].lstrip("/").lower() if ctx.args.strip() else ""
    if not wanted:
        # Each command once, in the order it was registered (handlers.all_commands).
        await ctx.reply(overview(list(dict.fromkeys(ctx.commands.values()))))
    elif (command := ctx.commands.get(wanted)) is not None:
        await ctx.reply(details(command))
    else:
        raise UserError(m.UNKNOWN_COMMAND.format(name=m.echo(wanted)), ctx.command)


COMMANDS = [
    Command(
        "bantuan",
        ("help",),
        show_help,
        usage=m.BANTUAN_USAGE,
        example=m.BANTUAN_EXAMPLE,
        summary=m.BANTUAN_SUMMARY,
    )
]
