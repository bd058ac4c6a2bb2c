"""Replies in the console bot, end to end: every message of the owner's chat has a short id
(`in-N` the owner's, printed for text that is no command and for media; `out-N` the bot's,
printed after each reply), and `!balas <id> <teks>` replies to it, as a WhatsApp reply would:
schedule by reply to a text or a video, act on a post by replying to the bot's confirmation."""

from __future__ import annotations

import io
import re
from pathlib import Path

from bot import messages as m
from bot.app import App
from bot.models import MediaKind, PostStatus
from bot.transport.console import ConsoleTransport
from tests import mediafiles as f
from tests.conftest import SATURDAY_EVENING, Clock
from tests.fakes import PNG
from tests.quick import quick_settings


async def run_console(tmp_path: Path, lines: list[str]) -> tuple[App, str]:
    """Feed `lines` to the console bot until its input ends; the app (still open: stop it)
    and everything the console printed."""
    settings = quick_settings(data_dir=tmp_path / "data")
    clock = Clock(SATURDAY_EVENING)
    out = io.StringIO()
    transport = ConsoleTransport(
        settings.data_dir,
        stdin=io.StringIO("".join(f"{line}\n" for line in lines)),
        stdout=out,
        clock=clock,
        tz=settings.timezone,
    )
    app = App(settings, transport, clock)
    await app.start()
    await transport.wait_closed()
    return app, out.getvalue()


def reply_id(out: str, starts: str) -> str:
    """The short id printed after the bot's reply that starts with `starts`."""
    found = re.search(rf"^bot> {re.escape(starts)}.*?\(id (out-\d+)\)$", out, re.M | re.S)
    assert found, f"no reply starting {starts!r} in:\n{out}"
    return found.group(1)


async def test_scheduling_by_reply_to_a_text_and_a_video(tmp_path: Path):
    video = tmp_path / "klip.mp4"
    video.write_bytes(f.mp4(6))
    app, out = await run_console(
        tmp_path,
        [
            "/tujuan 1",  # in-1
            "Kerja bakti Minggu pagi, bawa sapu",  # in-2
            "!balas in-2 /jadwal besok 08:00",  # in-3
            f"!video {video} Video kegiatan",  # in-4
            "!balas in-4 /jadwal besok 09:00",  # in-5
            "!balas in-4 /jadwal besok 10:00 Teks pengganti",  # in-6
            "!balas in-99 /jadwal besok 08:00",
        ],
    )
    try:
        assert "(konsol) id in-2" in out
        assert "(konsol) id in-3" not in out  # a command: its reply follows
        assert "(konsol) tidak ada pesan dengan id 'in-99'" in out
        posts = [await app.store.get_post(i) for i in (1, 2, 3)]
        assert [(p.text, p.media_kind) for p in posts if p] == [
            ("Kerja bakti Minggu pagi, bawa sapu", None),
            ("Video kegiatan", MediaKind.VIDEO),
            ("Teks pengganti", MediaKind.VIDEO),
        ]
        assert await app.store.get_post(4) is None
    finally:
        await app.stop()


async def test_acting_on_a_post_by_replying_to_the_bots_confirmation(tmp_path: Path):
    photo = tmp_path / "promo.png"
    photo.write_bytes(PNG)
    lines = [
        "/tujuan 1",  # out-1
        "/jadwal besok 08:00 Pertama",  # out-2: #1
        "/jadwal besok 09:00 Kedua",  # out-3: #2
        "/jadwal besok 10:00 Ketiga",  # out-4: #3
        "!balas out-2 /ubah besok 07:30",  # out-5
        "!balas out-5 /ubah teks Pertama, dipindah",  # out-6
        "!balas out-3 /lihat",  # out-7 (the text), out-8 (the header)
        "!balas out-3 /batal 3",  # out-9: the typed id wins
        "!balas out-1 /batal",  # out-10: /tujuan's reply names no post
        f"!foto {photo} /ubah 2 foto",  # out-11
        "!balas out-3 /kirim",  # out-12
    ]
    app, out = await run_console(tmp_path, lines)
    try:
        assert reply_id(out, "#1 terjadwal") == "out-2"
        assert reply_id(out, "#1 dipindah ke Minggu, 22 Nov 2026 07:30 WIB") == "out-5"
        assert reply_id(out, m.TEXT_CHANGED.format(id=1)) == "out-6"
        assert reply_id(out, "#2 menunggu") == "out-8"
        assert reply_id(out, "#3 dibatalkan") == "out-9"
        assert m.REPLY_NAMES_NO_POST in out
        assert reply_id(out, m.MEDIA_CHANGED.format(id=2, kind="foto")) == "out-11"
        assert reply_id(out, m.SENDING_NOW.format(id=2, dest="Grup Demo A")) == "out-12"
        first, second, third = [await app.store.get_post(i) for i in (1, 2, 3)]
        assert first and second and third
        assert (first.status, first.text) == (PostStatus.PENDING, "Pertama, dipindah")
        assert second.media_kind is MediaKind.IMAGE and second.text == "Kedua"
        assert third.status is PostStatus.CANCELLED
    finally:
        await app.stop()
