"""/ubah moves a pending post or changes its text; /zona changes the zone times are read in."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot import messages as m
from tests.conftest import SATURDAY_EVENING, Bot, BotFactory, Clock


async def test_move_a_pending_post(bot_with_target: Bot):
    await bot_with_target.say("/jadwal besok 08:00 Rapat")
    reply = await bot_with_target.say("/ubah 1 lusa jam 9 pagi")
    assert reply == "#1 dipindah ke Senin, 23 Nov 2026 09:00 WIB -> Grup Demo A\n\u201cRapat\u201d"
    post = await bot_with_target.app.store.get_post(1)
    assert post is not None and post.due_at == datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    assert [e[3] for e in await bot_with_target.app.store.events(1)][-1] == "moved by owner"


async def test_change_the_text(bot_with_target: Bot):
    await bot_with_target.say("/jadwal besok 08:00 Rapat")
    assert (
        await bot_with_target.say("/edit 1 teks Rapat batal\nditunda minggu depan")
        == m.TEXT_CHANGED.format(id=1) + "\n\u201cRapat batal \u2026\u201d"
    )
    post = await bot_with_target.app.store.get_post(1)
    assert post is not None and post.text == "Rapat batal\nditunda minggu depan"


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/ubah", m.POST_ID_MISSING.format(name="ubah")),
        ("/ubah 1", m.EDIT_MISSING),
        ("/ubah 9 besok 09:00", m.POST_NOT_FOUND.format(id=9)),
        ("/ubah 1 kemarin dulu", "Waktu tidak terbaca"),
        ("/ubah 1 hari ini 08:00", "sudah lewat"),
        ("/ubah 1 setiap hari 08:00", m.EDIT_NO_REPEAT),
        ("/ubah 1 besok 09:00 Rapat baru", "Setelah waktu ada teks lain"),
    ],
)
async def test_edit_errors_change_nothing(bot_with_target: Bot, command: str, expected: str):
    await bot_with_target.say("/jadwal besok 08:00 Rapat")
    assert expected in await bot_with_target.say(command)
    post = await bot_with_target.app.store.get_post(1)
    assert post is not None and post.text == "Rapat"
    assert post.due_at == datetime(2026, 11, 22, 1, 0, tzinfo=UTC)


async def test_a_cancelled_post_cannot_be_edited(bot_with_target: Bot):
    await bot_with_target.say("/jadwal besok 08:00 Rapat")
    await bot_with_target.say("/batal 1")
    assert await bot_with_target.say("/ubah 1 besok 09:00") == m.CANNOT_EDIT.format(
        id=1, status="dibatalkan"
    )


async def test_zone_change_keeps_moments_and_shows_the_new_zone(bot_with_target: Bot):
    await bot_with_target.say("/jadwal besok 08:00 Rapat")
    reply = await bot_with_target.say("/zona WITA")
    assert reply.startswith("Zona waktu sekarang Asia/Makassar (WITA).")
    assert "#1 Minggu, 22 Nov 2026 09:00 WITA" in reply  # same moment, new zone
    post = await bot_with_target.app.store.get_post(1)
    assert post is not None and post.due_at == datetime(2026, 11, 22, 1, 0, tzinfo=UTC)
    # new times are read in the new zone
    assert "Minggu, 22 Nov 2026 10:00 WITA" in await bot_with_target.say("/jadwal besok 10:00 Lagi")
    second = await bot_with_target.app.store.get_post(2)
    assert second is not None and second.due_at == datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
    assert "Asia/Makassar (WITA)" in await bot_with_target.say("/status")


async def test_zone_is_kept_across_restarts(start_bot: BotFactory):
    clock = Clock(SATURDAY_EVENING)
    first = await start_bot(clock=clock)
    await first.say("/zona Asia/Jayapura")
    await first.app.stop()
    second = await start_bot(clock=clock)
    assert second.services.tz == ZoneInfo("Asia/Jayapura")
    assert "Asia/Jayapura (WIT)" in await second.say("/zona")


async def test_unknown_zone_is_refused(bot: Bot):
    assert "tidak dikenal" in await bot.say("/zona Mars/Olympus")
    assert bot.services.tz == ZoneInfo("Asia/Jakarta")
