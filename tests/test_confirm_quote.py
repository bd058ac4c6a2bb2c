"""Confirmations quote the post's first line, so a part of the time that ended up in the text
is seen at once."""

from __future__ import annotations

import pytest

from bot import messages as m
from handlers.common import QUOTE_CHARS
from tests.conftest import Bot
from tests.fakes import JPEG

LONG = "Pengumuman penting untuk seluruh warga RT 05 tentang kerja bakti hari Minggu pagi"


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("Selamat pagi semua", "Selamat pagi semua"),
        ("Rapat RT: bawa KTP", "Rapat RT: bawa KTP"),
        ("Rapat RT\ndi balai warga\njam 19.30", "Rapat RT \u2026"),
        (LONG, LONG[: QUOTE_CHARS - 1].rstrip() + "\u2026"),
        ("  *Promo*  \n", "*Promo*"),
    ],
)
async def test_schedule_quotes_the_first_line(bot_with_target: Bot, text: str, quoted: str):
    reply = await bot_with_target.say(f"/jadwal besok 08:00 {text}")
    first, second = reply.split("\n")
    assert first == "#1 terjadwal Minggu, 22 Nov 2026 08:00 WIB -> Grup Demo A (12 jam lagi)"
    assert second == f"\u201c{quoted}\u201d"
    assert len(quoted) <= QUOTE_CHARS


async def test_photo_caption_is_quoted_and_a_bare_photo_is_not(bot_with_target: Bot):
    reply = await bot_with_target.say("/jadwal besok 09:00 Promo minggu ini", image=JPEG)
    assert reply.endswith("(13 jam lagi)\n\u201cPromo minggu ini\u201d")
    assert reply.startswith("#1 terjadwal (foto)")
    bare = await bot_with_target.say("/jadwal besok 09:00", image=JPEG)
    assert "\n" not in bare and bare.startswith("#2 terjadwal (foto)")


async def test_a_repeating_post_is_quoted(bot_with_target: Bot):
    reply = await bot_with_target.say("/jadwal setiap senin 09:00 Apel pagi")
    assert reply.splitlines() == [
        "#1 terjadwal setiap Senin 09:00, pertama Senin, 23 Nov 2026 09:00 WIB -> "
        "Grup Demo A (1 hari 13 jam lagi)",
        "\u201cApel pagi\u201d",
    ]


async def test_edits_are_quoted(bot_with_target: Bot):
    await bot_with_target.say("/jadwal besok 08:00 Rapat RT")
    assert (await bot_with_target.say("/ubah 1 besok 09:00")).endswith("\n\u201cRapat RT\u201d")
    assert (
        await bot_with_target.say("/ubah 1 teks Rapat RW")
        == m.TEXT_CHANGED.format(id=1) + "\n\u201cRapat RW\u201d"
    )
