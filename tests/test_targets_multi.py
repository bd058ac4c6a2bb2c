"""Several default groups: /tujuan 1,3 (numbers from /grup, names, or both), /tujuan alone
lists them, and select_groups reads such a list for any command."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import messages as m
from bot.context import Context, UserError
from bot.models import Group
from bot.state import Destination
from handlers.groups import select_groups
from tests.conftest import SATURDAY_EVENING, Bot, BotFactory, Clock
from tests.fakes import OWNER_CHAT, FakeTransport, make_message

# /grup numbers them by name: 1. Alumni SMA, 2. Grup Demo A, 3. Grup Demo B
ALUMNI = Group("120363000000000003@g.us", "Alumni SMA")
DEMO_A = Group("120363000000000001@g.us", "Grup Demo A")
DEMO_B = Group("120363000000000002@g.us", "Grup Demo B")


def chosen(bot: Bot) -> list[str]:
    return [g.name for g in bot.app.state.destinations]


def many(names: list[str], template: str = m.TARGET_SET_MANY) -> str:
    listed = "\n".join(f"- {name}" for name in names)
    return template.format(count=len(names), names=listed)


@pytest.mark.parametrize(
    ("command", "names"),
    [
        ("/tujuan 1,3", ["Alumni SMA", "Grup Demo B"]),
        ("/tujuan 3, 1", ["Grup Demo B", "Alumni SMA"]),  # the owner's order is kept
        ("/tujuan 1 3", ["Alumni SMA", "Grup Demo B"]),
        ("/target 1,  2 ,3,", ["Alumni SMA", "Grup Demo A", "Grup Demo B"]),
        ("/tujuan 1, Grup Demo A", ["Alumni SMA", "Grup Demo A"]),
        ("/tujuan demo b,alumni", ["Grup Demo B", "Alumni SMA"]),
    ],
)
async def test_several_groups_by_number_or_name(bot: Bot, command: str, names: list[str]):
    assert await bot.say(command) == many(names)
    assert chosen(bot) == names
    listed = await bot.say("/tujuan")
    assert listed.startswith(many(names, m.TARGET_CURRENT_MANY) + "\n\n")
    assert "/tujuan 1,3" in listed  # with how to change them


async def test_one_group_still_reads_as_one(bot: Bot):
    assert await bot.say("/tujuan 2") == m.TARGET_SET.format(name="Grup Demo A")
    assert (await bot.say("/tujuan")).startswith(m.TARGET_CURRENT.format(name="Grup Demo A"))
    assert bot.app.state.destinations == [Destination(DEMO_A.jid, DEMO_A.name)]


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/tujuan 1,9", m.TARGET_BAD_NUMBER.format(number=9, count=3)),
        ("/tujuan 1 0", m.TARGET_BAD_NUMBER.format(number=0, count=3)),
        ("/tujuan 1, arisan", m.TARGET_NOT_FOUND.format(query="arisan")),
        # Digits to str.isdigit, no number to int(): names, not a crash.
        ("/tujuan 1, \u00b3", m.TARGET_NOT_FOUND.format(query="\u00b3")),
        ("/tujuan \u0663", m.TARGET_NOT_FOUND.format(query="\u0663")),
        (
            "/tujuan 1, grup demo",
            m.TARGET_AMBIGUOUS.format(query="grup demo", names="- Grup Demo A\n- Grup Demo B"),
        ),
        ("/tujuan 1,1", m.TARGET_DUPLICATE.format(name="Alumni SMA", first="1", second="1")),
        (
            "/tujuan 1, alumni",
            m.TARGET_DUPLICATE.format(name="Alumni SMA", first="1", second="alumni"),
        ),
        (
            "/tujuan Grup Demo B, 3",
            m.TARGET_DUPLICATE.format(name="Grup Demo B", first="Grup Demo B", second="3"),
        ),
    ],
)
async def test_a_refused_list_changes_nothing(bot: Bot, command: str, expected: str):
    await bot.say("/tujuan 2")
    assert await bot.say(command) == expected
    assert chosen(bot) == ["Grup Demo A"]


async def test_only_commas_is_refused_with_the_usage(bot: Bot):
    reply = await bot.say("/tujuan , ,")
    assert reply.startswith(m.TARGET_EMPTY)
    assert "/tujuan 1,3" in reply
    assert chosen(bot) == []


async def test_tujuan_inside_a_group_picks_that_one_group(bot: Bot):
    await bot.say("/tujuan 1,3")
    await bot.say("/tujuan", chat=DEMO_A.jid, is_group=True)
    assert bot.transport.sent[-1].chat == OWNER_CHAT
    assert bot.transport.sent[-1].text == m.TARGET_SET.format(name="Grup Demo A")
    assert bot.app.state.destinations == [Destination(DEMO_A.jid, DEMO_A.name)]


async def test_the_admin_only_warning_comes_once_per_such_group(start_bot: BotFactory):
    groups = (
        Group("120363000000000031@g.us", "Info Sekolah", announce=True),
        Group("120363000000000032@g.us", "Pengumuman RT", announce=True, admin=True),
        Group("120363000000000033@g.us", "Wali Murid", announce=True),
    )
    bot = await start_bot(clock=Clock(SATURDAY_EVENING), transport=FakeTransport(groups))
    reply = await bot.say("/tujuan 1,2,3")
    assert reply == "\n\n".join(
        [
            many(["Info Sekolah", "Pengumuman RT", "Wali Murid"]),
            m.TARGET_ADMIN_ONLY.format(name="Info Sekolah"),
            m.TARGET_ADMIN_ONLY.format(name="Wali Murid"),
        ]
    )
    assert chosen(bot) == ["Info Sekolah", "Pengumuman RT", "Wali Murid"]  # saved all the same


async def test_status_names_every_default_group(bot: Bot):
    await bot.say("/tujuan 3,1")
    assert "Tujuan: Grup Demo B, Alumni SMA" in await bot.say("/status")


# --- select_groups, as another command calls it --------------------------------------------


def context(bot: Bot) -> Context:
    async def reply(text: str) -> None:
        raise AssertionError(f"select_groups replied {text!r}")

    async def reply_image(path: Path, caption: str) -> None:
        raise AssertionError("select_groups sent a photo")

    return Context(
        message=make_message("/jadwal ke:1,3 besok 08:00 Halo"),
        command="jadwal",
        args="ke:1,3 besok 08:00 Halo",
        body="",
        services=bot.services,
        reply=reply,
        reply_image=reply_image,
        typed_at=SATURDAY_EVENING,
    )


async def test_select_groups_returns_the_groups_and_saves_nothing(bot: Bot):
    assert await select_groups(context(bot), "1,3") == [ALUMNI, DEMO_B]
    assert await select_groups(context(bot), "Grup Demo A") == [DEMO_A]
    assert bot.app.state.destinations == []


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        ("", m.TARGET_EMPTY),
        ("4", m.TARGET_BAD_NUMBER.format(number=4, count=3)),
        ("2,2", m.TARGET_DUPLICATE.format(name="Grup Demo A", first="2", second="2")),
    ],
)
async def test_select_groups_refuses_with_a_user_error(bot: Bot, spec: str, reason: str):
    with pytest.raises(UserError) as refused:
        await select_groups(context(bot), spec)
    assert refused.value.reason == reason


async def test_an_empty_list_shows_the_usage_of_the_command_typed(bot: Bot):
    with pytest.raises(UserError) as refused:
        await select_groups(context(bot), " , ")
    assert refused.value.usage_of == "jadwal"


async def test_select_groups_when_the_groups_cannot_be_listed(bot: Bot):
    bot.transport.groups_error = RuntimeError("not connected")
    with pytest.raises(UserError) as refused:
        await select_groups(context(bot), "1")
    assert refused.value.reason == m.GROUPS_UNAVAILABLE
