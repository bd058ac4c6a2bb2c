"""A reply that quotes the owner's words quotes at most messages.ECHO_CHARS of them: a reply
that grew with the message would pass WhatsApp's limit (65,536 characters) and not arrive."""

from __future__ import annotations

import pytest

from bot import messages as m
from tests.conftest import Bot

WHATSAPP_MAX_CHARS = 65_536
UNREADABLE_START = "Waktu tidak terbaca di awal pesan: \u201c"


def quoted(reply: str) -> str:
    assert reply.startswith(UNREADABLE_START), reply[:200]
    return reply[len(UNREADABLE_START) :].split("\u201d", 1)[0]


@pytest.mark.parametrize("length", [70_000, WHATSAPP_MAX_CHARS + 1])
async def test_an_unreadable_time_quotes_a_long_message_shortened(
    bot_with_target: Bot, length: int
) -> None:
    reply = await bot_with_target.say("/jadwal " + "x" * length)
    assert quoted(reply) == "x" * (m.ECHO_CHARS - 1) + "\u2026"
    assert len(reply) < 1_000


async def test_ubah_with_an_unreadable_time_quotes_it_shortened(bot_with_target: Bot) -> None:
    scheduled = await bot_with_target.say("/jadwal besok 08:00 Selamat pagi")
    assert scheduled.startswith("#1 terjadwal"), scheduled
    reply = await bot_with_target.say("/ubah 1 " + "y" * (WHATSAPP_MAX_CHARS + 1))
    assert quoted(reply) == "y" * (m.ECHO_CHARS - 1) + "\u2026"
    assert len(reply) < 1_000


async def test_three_long_words_are_cut_too(bot_with_target: Bot) -> None:
    reply = await bot_with_target.say("/jadwal " + " ".join(["kapan-kapan" * 4] * 3) + " teks")
    assert len(quoted(reply)) == m.ECHO_CHARS
    assert quoted(reply).endswith("\u2026")


async def test_a_short_unreadable_time_is_quoted_whole(bot_with_target: Bot) -> None:
    reply = await bot_with_target.say("/jadwal kapan saja boleh, teksnya ini")
    assert quoted(reply) == "kapan saja boleh,"


@pytest.mark.parametrize(
    "command",
    [
        "/" + "x" * 70_000,  # an unknown command
        "/batal " + "9" * 70_000,  # not an id
        "/lihat #" + "a" * 70_000,
        "/antrian " + "z" * 70_000,  # not a page
        "/tujuan " + "Grup " * 14_000,  # no such group
        "/zona " + "Asia/" * 14_000,  # no such zone (and too long for a file name)
    ],
)
async def test_every_refusal_that_quotes_the_owner_stays_short(
    bot_with_target: Bot, command: str
) -> None:
    reply = await bot_with_target.say(command)
    assert reply != m.GENERIC_ERROR
    assert "\u2026" in reply and len(reply) < 1_000, reply[:300]
