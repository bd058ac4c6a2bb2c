"""/kalender through the real dispatcher, store and scheduler: the reply is a calendar image
whose caption and colors count what was scheduled, per local day and group."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest
from PIL import Image

from bot import messages as m
from bot.calendarimage import PALETTE, WIDTH, cell_box
from bot.models import PostStatus, SentMessage
from bot.transport.base import TransportError
from tests.commands import usage
from tests.conftest import SATURDAY_EVENING, Bot, BotFactory, Clock
from tests.fakes import FakeTransport, eventually

NOV_2026 = (2026, 11)


class ImageKeeping(FakeTransport):
    """Keeps the bytes of each image as it is sent: the WhatsApp transport, too, reads the
    file when sending (bot/transport/whatsapp/transport.py send_image), not later."""

    def __init__(self) -> None:
        super().__init__()
        self.images: list[tuple[Path, bytes]] = []

    async def send_image(
        self, chat: str, image: Path, caption: str, *, post_id: int | None = None
    ) -> SentMessage:
        self.images.append((image, await asyncio.to_thread(image.read_bytes)))
        return await super().send_image(chat, image, caption, post_id=post_id)


@pytest.fixture
async def bot(start_bot: BotFactory) -> Bot:
    return await start_bot(clock=Clock(SATURDAY_EVENING), transport=ImageKeeping())


async def calendar(bot: Bot, command: str = "/kalender") -> tuple[list[str], Image.Image]:
    """Ask for a calendar; return its caption's lines and the image as it was sent."""
    transport = bot.transport
    assert isinstance(transport, ImageKeeping)
    caption = await bot.say(command)
    sent = transport.sent[-1]
    assert sent.image is not None and sent.text == caption
    path, png = transport.images[-1]
    assert path == sent.image
    assert not path.exists() and not path.parent.exists()  # the temporary file is gone
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.width == WIDTH
    return caption.splitlines(), image.convert("RGB")


def colors_on(image: Image.Image, day: int) -> set[int]:
    """Which palette colors (by index) are drawn in the cell of `day` of November 2026."""
    found = {color for _, color in image.crop(cell_box(*NOV_2026, day)).getcolors(1 << 16) or []}
    return {i for i, color in enumerate(PALETTE) if color in found}


async def fail_now(bot: Bot, post_id: int) -> None:
    bot.transport.fail_with = TransportError("grup tidak ditemukan")
    notices = len(bot.transport.replies())
    await bot.say(f"/kirim {post_id}")
    await eventually(lambda: len(bot.transport.replies()) > notices + 1)
    post = await bot.app.store.get_post(post_id)
    assert post is not None and post.status is PostStatus.FAILED
    bot.transport.fail_with = None


async def test_the_month_counts_each_group_s_deliveries_per_day(bot: Bot):
    # /grup numbers groups by name: 1. Alumni SMA, 2. Grup Demo A, 3. Grup Demo B.
    await bot.say("/tujuan 2")
    await bot.say("/jadwal besok 08:00 Satu")  # 1: Sunday 22, Grup Demo A
    await bot.say("/tujuan 1,3")
    await bot.say("/jadwal senin 09:00 Dua")  # 2: Monday 23, Alumni SMA and Grup Demo B
    await bot.say("/jadwal senin 10:00 Tiga")  # 3: the same
    await bot.say("/jadwal 25/12 08:00 Empat")  # 4: December
    await bot.say("/jadwal selasa 08:00 Batal")  # 5: cancelled, not counted
    await bot.say("/batal 5")
    await bot.say("/tujuan 2")
    await bot.say("/jadwal besok 09:00 Kirim")  # 6: sent now, Saturday 21: counted
    await bot.say("/kirim 6")
    await eventually(lambda: any(s.post_id == 6 for s in bot.transport.posts()))
    await bot.say("/jadwal besok 10:00 Gagal")  # 7: failed, not counted
    await fail_now(bot, 7)

    lines, image = await calendar(bot)
    assert lines == [
        m.CALENDAR_CAPTION_POSTS.format(month="November 2026", posts=4, count=6, groups=3),
        m.CALENDAR_BUSIEST.format(day="Senin, 23 Nov 2026", count=4),
        m.CALENDAR_CLASHES.format(days="23 Nov"),
        m.CALENDAR_EMPTY_AHEAD.format(count=7, days="24-30 Nov"),
        m.CALENDAR_COUNTED,
    ]
    # Two deliveries each: colors by name among equals: Alumni SMA, Grup Demo A, Grup Demo B.
    assert [colors_on(image, day) for day in (20, 21, 22, 23, 24)] == [
        set(),
        {1},
        {1},
        {0, 2},
        set(),
    ]
    december = m.CALENDAR_CAPTION_POSTS.format(month="Desember 2026", posts=1, count=2, groups=2)
    for command in ("/kalender des", "/calendar 2026-12", "/kalender depan", "/kalender 12"):
        assert (await calendar(bot, command))[0][0] == december


async def test_an_empty_month_and_a_bad_one(bot: Bot):
    lines, _ = await calendar(bot, "/kalender januari")
    assert lines == [m.CALENDAR_CAPTION_EMPTY.format(month="Januari 2027")]
    refused = await bot.say("/kalender tigabelas")
    assert refused == m.BAD_USAGE.format(
        reason=m.CALENDAR_BAD_MONTH.format(raw="tigabelas"), usage=usage("kalender")
    )
    assert refused == await bot.say("/calendar tigabelas")


async def test_days_are_the_days_of_the_bot_s_timezone(bot: Bot):
    await bot.say("/tujuan 2")
    await bot.say("/jadwal 30/11 23:30 Tengah malam")  # 23:30 WIB is 00:30 WITA, 1 December
    assert (await calendar(bot))[0][0] == m.CALENDAR_CAPTION.format(
        month="November 2026", count=1, groups=1
    )
    await bot.say("/zona WITA")
    lines, _ = await calendar(bot)
    assert lines == [m.CALENDAR_CAPTION_EMPTY.format(month="November 2026")]
    lines, image = await calendar(bot, "/kalender des")
    assert lines[:2] == [
        m.CALENDAR_CAPTION.format(month="Desember 2026", count=1, groups=1),
        m.CALENDAR_BUSIEST.format(day="Selasa, 1 Des 2026", count=1),
    ]
    first = image.crop(cell_box(2026, 12, 1)).getcolors(1 << 16) or []
    assert PALETTE[0] in {color for _, color in first}


async def test_a_repeating_post_counts_every_occurrence_of_the_month(bot: Bot):
    await bot.say("/tujuan 2")
    await bot.say("/jadwal setiap hari 07:00 Harian")  # from Sunday 22 November
    lines, image = await calendar(bot)
    assert lines == [
        m.CALENDAR_CAPTION.format(month="November 2026", count=9, groups=1),  # 9 posts, too
        m.CALENDAR_BUSIEST.format(day="Minggu, 22 Nov 2026", count=1),
        m.CALENDAR_EMPTY_AHEAD.format(count=1, days="21 Nov"),
        m.CALENDAR_COUNTED,
    ]
    assert [colors_on(image, day) for day in (21, 22, 25, 30)] == [set(), {0}, {0}, {0}]
    await bot.say("/tujuan 1,3")
    await bot.say("/jadwal setiap senin 09:00 Mingguan")
    lines, _ = await calendar(bot, "/kalender depan")
    assert lines[0] == m.CALENDAR_CAPTION_POSTS.format(
        month="Desember 2026", posts=31 + 4, count=31 + 4 * 2, groups=3
    )
    assert m.CALENDAR_FULL_AHEAD in lines


async def test_a_year_alone_or_out_of_reach_is_refused_with_usage(bot: Bot):
    for command, reason in [
        ("/kalender 2027", m.CALENDAR_YEAR_ONLY.format(year=2027)),
        ("/kalender 2099", m.CALENDAR_BAD_YEAR.format(first=2016, last=2031, year=2099)),
        ("/kalender 1 2099", m.CALENDAR_BAD_YEAR.format(first=2016, last=2031, year=2099)),
        ("/kalender 12 20000", m.CALENDAR_BAD_YEAR.format(first=2016, last=2031, year=20000)),
    ]:
        assert await bot.say(command) == m.BAD_USAGE.format(reason=reason, usage=usage("kalender"))
    lines, _ = await calendar(bot, "/kalender jan 2027")
    assert lines == [m.CALENDAR_CAPTION_EMPTY.format(month="Januari 2027")]
