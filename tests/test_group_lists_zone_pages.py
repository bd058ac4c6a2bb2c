"""Default groups are listed without numbers that could contradict /grup's; a group named
twice is named once, quoted; /zona and /status name the same next post; a bad page number is
called a page number; the console prints a group post's clock in the bot's current zone."""

from __future__ import annotations

import asyncio
import io
import re
from pathlib import Path

import pytest

from bot import messages as m
from bot.app import App
from bot.transport.console import ConsoleTransport
from tests.conftest import SATURDAY_EVENING, Bot, Clock
from tests.quick import quick_settings


def numbered_lines(reply: str) -> list[str]:
    return [line for line in reply.splitlines() if re.match(r"\s*\d+[.)]", line)]


async def test_default_groups_are_listed_without_numbers_of_their_own(bot: Bot):
    # /grup: 1. Alumni SMA, 2. Grup Demo A, 3. Grup Demo B
    assert "3. Grup Demo B" in await bot.say("/grup")
    chosen = await bot.say("/tujuan 1,3")
    assert chosen == m.TARGET_SET_MANY.format(count=2, names="- Alumni SMA\n- Grup Demo B")
    assert numbered_lines(chosen) == []
    current = await bot.say("/tujuan")
    assert current.startswith(
        m.TARGET_CURRENT_MANY.format(count=2, names="- Alumni SMA\n- Grup Demo B") + "\n\n"
    )
    assert not any("Grup Demo B" in line for line in numbered_lines(current))
    status = await bot.say("/status")
    assert "Tujuan: Alumni SMA, Grup Demo B" in status


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (
            "/tujuan 2,2",
            "\u201cGrup Demo A\u201d disebut dua kali (\u201c2\u201d dan \u201c2\u201d). "
            "Sebut tiap grup sekali saja.",
        ),
        (
            "/tujuan alumni, 1",
            "\u201cAlumni SMA\u201d disebut dua kali (\u201calumni\u201d dan \u201c1\u201d). "
            "Sebut tiap grup sekali saja.",
        ),
    ],
)
async def test_a_group_named_twice_is_quoted_once(bot: Bot, command: str, expected: str):
    reply = await bot.say(command)
    assert reply.startswith(expected)
    assert "Grup Grup" not in reply


def next_line(reply: str) -> str:
    found = [line for line in reply.splitlines() if line.startswith("Berikutnya: ")]
    assert len(found) == 1, reply
    return found[0]


async def test_zone_and_status_name_the_same_next_post(bot_with_target: Bot):
    bot = bot_with_target
    await bot.say("/jadwal besok 09:00 Rapat")  # #1, Sunday 09:00 WIB
    await bot.say("/jadwal setiap hari 08:00 Senam")  # #2, first Sunday 08:00 WIB
    zone_next = next_line(await bot.say("/zona WITA"))
    assert zone_next == "Berikutnya: #2 Minggu, 22 Nov 2026 09:00 WITA -> Grup Demo A"
    assert next_line(await bot.say("/status")) == zone_next


@pytest.mark.parametrize(
    "command", ["/antrian x", "/antrian -1", "/antrian \u00b2", "/riwayat x", "/riwayat 1,5"]
)
async def test_a_bad_page_number_is_called_a_page_number(bot_with_target: Bot, command: str):
    raw = command.split(maxsplit=1)[1]
    reply = await bot_with_target.say(command)
    assert reply.startswith(m.BAD_PAGE.format(raw=raw))
    assert "Nomor post" not in reply
    assert f"/{command.split()[0][1:]}" in reply.partition("\n")[2]  # with the command's usage


async def test_console_group_posts_follow_a_zone_change(tmp_path: Path):
    settings = quick_settings(data_dir=tmp_path / "data")
    clock = Clock(SATURDAY_EVENING)  # 20:00 WIB
    out = io.StringIO()
    lines = ["/tujuan 1", "/zona WITA", "/jadwal dalam 1 menit Halo"]
    transport = ConsoleTransport(
        settings.data_dir,
        stdin=io.StringIO("".join(f"{line}\n" for line in lines)),
        stdout=out,
        clock=clock,
        tz=settings.timezone,
    )
    app = App(settings, transport, clock)
    await app.start()
    try:
        await transport.wait_closed()
        clock.advance(minutes=1)
        assert app.services is not None
        app.services.queue_changed()
        for _ in range(500):
            if "[Grup Demo A] Halo" in out.getvalue():
                break
            await asyncio.sleep(0.01)
        assert "[21:01:00] [Grup Demo A] Halo" in out.getvalue(), out.getvalue()
    finally:
        await app.stop()
