"""/bantuan and "Cara pakai" come from each command's declaration, for every registered command."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot import messages as m
from bot.context import Command, Context, UserError
from bot.dispatcher import Dispatcher
from bot.timeparse import parse_schedule
from handlers.help import OVERVIEW_MAX_CHARS
from tests.conftest import Bot
from tests.fakes import make_message

# Ways to get a command wrong that any command taking arguments must refuse with its usage.
MISUSES = ("", "???", "0 0 0 ???")


def registered(bot: Bot) -> list[Command]:
    """Each command the running bot answers to, once, in registration order."""
    assert bot.app.dispatcher is not None
    return list(dict.fromkeys(bot.app.dispatcher.commands.values()))


def entry_lines(reply: str, command: Command) -> tuple[int, str, str]:
    """The /bantuan line that lists `command`, its position, and the line under it."""
    lines = reply.splitlines()
    found = [
        i
        for i, line in enumerate(lines)
        if line.split(" \u2014 ")[0].split()[:1] == [f"/{command.name}"]
    ]
    assert len(found) == 1, f"/{command.name} listed {len(found)} times in /bantuan"
    return found[0], lines[found[0]], lines[found[0] + 1]


async def test_every_command_is_listed_with_its_aliases_summary_and_example(bot: Bot):
    reply = await bot.say("/bantuan")
    commands = registered(bot)
    assert len(commands) >= 14
    positions = []
    for command in commands:
        position, line, under = entry_lines(reply, command)
        positions.append(position)
        head, _, summary = line.partition(" \u2014 ")
        listed = head.partition(" (")[2].rstrip(")").split(", ") if command.aliases else []
        assert listed == [f"/{alias}" for alias in command.aliases], line
        assert summary == command.summary
        assert under == f"   Contoh: {command.example}"
    assert positions == sorted(positions)  # the order the registry declares
    assert reply.startswith(m.HELP_HEADER) and m.TIME_FORMS in reply


async def test_the_list_stays_short_enough_to_read_on_a_phone(bot: Bot):
    reply = await bot.say("/help")
    assert len(reply) <= OVERVIEW_MAX_CHARS, (
        f"/bantuan is {len(reply)} characters; shorten a summary, details belong in notes"
    )


async def test_a_command_taking_arguments_shows_its_usage_when_misused_under_every_name(bot: Bot):
    for command in registered(bot):
        if not command.usage:
            continue  # takes nothing, so nothing typed after it can be wrong
        usage = m.USAGE_BLOCK.format(usage=command.usage_text())
        replies = {args: await bot.say(f"/{command.name} {args}") for args in MISUSES}
        refused = [args for args, reply in replies.items() if reply.endswith(usage)]
        assert refused, f"/{command.name} never showed its usage: {replies}"
        for alias in command.aliases:
            assert await bot.say(f"/{alias} {refused[0]}") == replies[refused[0]]


async def test_bantuan_with_a_name_or_alias_shows_that_command_in_full(bot: Bot):
    for command in registered(bot):
        reply = await bot.say(f"/bantuan {command.name}")
        assert reply.startswith(f"/{command.name}")
        for part in (command.summary, command.usage_text(), *command.notes):
            assert part in reply
        for name in (*command.aliases, command.name.upper(), f"/{command.name}"):
            assert await bot.say(f"/help {name}") == reply


async def test_the_details_of_schedule_carry_the_lines_the_list_leaves_out(bot: Bot):
    reply = await bot.say("/bantuan schedule")
    assert m.JADWAL_PHOTO in reply and m.TIME_FORMS in reply
    assert "/jadwal <kapan> <teks>\nContoh: /jadwal besok 08:00" in reply
    assert m.JADWAL_PHOTO not in await bot.say("/bantuan")


async def test_bantuan_with_an_unknown_name_says_so_and_how_to_ask(bot: Bot):
    reply = await bot.say("/bantuan hapus")
    assert reply.startswith(m.UNKNOWN_COMMAND.format(name="hapus"))
    assert reply.endswith("Cara pakai:\n/bantuan [perintah]\nContoh: /bantuan jadwal")


async def test_a_usage_shown_outside_a_refusal_comes_from_the_declaration(bot_with_target: Bot):
    for name in ("zona", "tujuan"):
        command = next(c for c in registered(bot_with_target) if c.name == name)
        reply = await bot_with_target.say(f"/{name}")
        assert reply.endswith("\n\n" + command.usage_text())
        assert reply.splitlines()[-2].startswith(f"/{name} <")


@pytest.mark.parametrize(
    ("missing", "example", "summary"),
    [("example", " ", "coba"), ("summary", "/coba 1", ""), ("example and no summary", "", "")],
)
def test_a_command_without_example_or_summary_cannot_be_registered(
    missing: str, example: str, summary: str
):
    async def run(ctx: Context) -> None:
        await ctx.reply("ok")

    with pytest.raises(ValueError, match=f"/coba declares no {missing}$"):
        Command("coba", (), run, usage="<x>", example=example, summary=summary)
    with pytest.raises(TypeError):
        Command("coba", (), run)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="tuples"):
        Command("coba", "c", run, usage="", example="/coba", summary="coba")  # type: ignore[arg-type]


async def test_the_usage_shown_is_the_declared_one_under_any_name(bot: Bot):
    """A refusal names the command whose usage to show; a name nobody registered falls back to
    the command that ran."""

    async def refuse(ctx: Context) -> None:
        raise UserError("Tidak bisa.", ctx.args or ctx.command)

    transport = bot.transport
    dispatcher = Dispatcher(
        bot.services,
        [
            Command("coba", ("try",), refuse, usage="<a>\n<b> <c>", example="/coba 1", summary="c"),
            Command("lain", (), refuse, usage="", example="/lain", summary="l"),
        ],
        transport.send_text,
        transport.send_image,
        transport.owner_chat,
        transport.self_id,
        bot.app.record_error,
    )
    for text in ("/coba", "/try", "/try tidakada", "/lain coba"):
        await dispatcher.dispatch(make_message(text, timestamp=bot.clock()))
    coba = "Tidak bisa.\n\nCara pakai:\n/coba <a>\n/coba <b> <c>\nContoh: /coba 1"
    assert transport.replies()[-4:] == [coba, coba, coba, coba]


async def test_the_details_of_schedule_show_repeats_each_of_which_reads_as_one(bot: Bot):
    assert m.JADWAL_REPEAT in await bot.say("/bantuan jadwal")
    examples = m.JADWAL_REPEAT.split(": ", 1)[1].split(". ")[0].split(" \u00b7 ")
    assert len(examples) >= 5
    now = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
    for example in examples:
        result = parse_schedule(example + " Halo", now, ZoneInfo("Asia/Jakarta"))
        assert result.rule is not None, example
        assert result.text == "Halo", example
