"""Every command and its error paths, through the real dispatcher, store and scheduler."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from loguru import logger

from bot import messages as m
from bot.models import MediaRef, PostStatus
from bot.state import Key
from bot.transport.base import TransportError
from tests.commands import usage
from tests.conftest import SATURDAY_EVENING, Bot
from tests.fakes import GROUPS, JPEG, OWNER_CHAT, PNG, make_message

DEMO_A = GROUPS[0]


async def pending(bot: Bot) -> list[tuple[int, str]]:
    return [(p.id, p.text) for p in await bot.app.store.pending_page(1000, 0)]


# --- /jadwal ------------------------------------------------------------------------------


async def test_schedule_echoes_id_time_weekday_zone_and_destination(bot_with_target: Bot):
    reply = await bot_with_target.say("/jadwal besok 08:00 Selamat pagi semua")
    assert reply.startswith("#1 terjadwal Minggu, 22 Nov 2026 08:00 WIB -> Grup Demo A")
    assert "(12 jam lagi)" in reply
    post = await bot_with_target.app.store.get_post(1)
    assert post is not None
    assert post.status is PostStatus.PENDING
    assert post.text == "Selamat pagi semua"
    assert post.due_at == datetime(2026, 11, 22, 1, 0, tzinfo=UTC)  # stored in UTC
    assert post.destination == DEMO_A.jid and post.destination_name == DEMO_A.name


async def test_schedule_english_alias_and_case(bot_with_target: Bot):
    reply = await bot_with_target.say("/SCHEDULE lusa 19.30 Rapat RT")
    assert reply.startswith("#1 terjadwal Senin, 23 Nov 2026 19:30 WIB")
    assert await pending(bot_with_target) == [(1, "Rapat RT")]


@pytest.mark.parametrize(
    ("command", "text"),
    [
        ("/jadwal besok 08:00 Judul\nBaris dua\n\nBaris empat", "Judul\nBaris dua\n\nBaris empat"),
        ("/jadwal besok 08:00\nSelamat pagi\nsemua", "Selamat pagi\nsemua"),
    ],
)
async def test_schedule_keeps_multiline_text(bot_with_target: Bot, command: str, text: str):
    await bot_with_target.say(command)
    assert await pending(bot_with_target) == [(1, text)]


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/jadwal", m.SCHEDULE_MISSING),
        ("/jadwal   ", m.SCHEDULE_MISSING),
        ("/jadwal kapan-kapan halo", "Waktu tidak terbaca"),
        ("/jadwal besok 08:00", m.SCHEDULE_EMPTY_TEXT),
        ("/jadwal besok 25:00 Halo", "Jam 25:00 tidak ada"),
        ("/jadwal 32/01 08:00 Halo", "Tanggal 32/01 tidak ada"),
        ("/jadwal besok Halo", m.TIME_MISSING_CLOCK),
    ],
)
async def test_schedule_errors_show_reason_and_usage_and_queue_nothing(
    bot_with_target: Bot, command: str, expected: str
):
    reply = await bot_with_target.say(command)
    assert expected in reply
    assert usage("jadwal") in reply
    assert await pending(bot_with_target) == []


async def test_schedule_without_destination_is_refused(bot: Bot):
    reply = await bot.say("/jadwal besok 08:00 Halo")
    assert reply == m.SCHEDULE_NO_DESTINATION
    assert await pending(bot) == []


async def test_schedule_text_too_long(bot_with_target: Bot):
    reply = await bot_with_target.say("/jadwal besok 08:00 " + "x" * 70_000)
    assert "terlalu panjang" in reply
    assert await pending(bot_with_target) == []


async def test_photo_with_command_caption_queues_image_post(bot_with_target: Bot):
    reply = await bot_with_target.say("/jadwal besok 09:00 Promo minggu ini", image=JPEG)
    assert reply.startswith("#1 terjadwal (foto) Minggu, 22 Nov 2026 09:00 WIB")
    post = await bot_with_target.app.store.get_post(1)
    assert post is not None and post.text == "Promo minggu ini"
    name = f"{hashlib.sha256(JPEG).hexdigest()}.jpg"
    assert post.media_path == name and post.media_mime == "image/jpeg"
    assert (bot_with_target.app.settings.media_dir / name).read_bytes() == JPEG


async def test_reply_to_photo_queues_that_photo_without_caption(bot_with_target: Bot):
    reply = await bot_with_target.say("/jadwal besok 09:00", quoted_image=PNG)
    assert "(foto)" in reply
    post = await bot_with_target.app.store.get_post(1)
    assert post is not None and post.text == "" and post.media_mime == "image/png"
    assert post.media_path == f"{hashlib.sha256(PNG).hexdigest()}.png"


async def test_same_photo_twice_is_stored_once(bot_with_target: Bot):
    await bot_with_target.say("/jadwal besok 09:00 a", image=JPEG)
    await bot_with_target.say("/jadwal besok 10:00 b", image=JPEG)
    assert len(list(bot_with_target.app.settings.media_dir.iterdir())) == 1


async def test_photo_that_cannot_be_fetched_queues_nothing(bot_with_target: Bot):
    async def broken() -> bytes:
        raise ConnectionError("media server gone")

    message = replace(
        make_message("/jadwal besok 09:00 Promo"), media=MediaRef("image/jpeg", broken)
    )
    assert bot_with_target.app.dispatcher is not None
    await bot_with_target.app.dispatcher.dispatch(message)
    failed = m.SCHEDULE_MEDIA_FAILED.format(Kind="Foto", kind="foto")
    assert bot_with_target.transport.last_reply() == failed
    assert await pending(bot_with_target) == []


# --- /antrian -----------------------------------------------------------------------------


async def test_queue_empty(bot: Bot):
    assert await bot.say("/antrian") == m.QUEUE_EMPTY


async def test_queue_lists_soonest_first_with_preview(bot_with_target: Bot):
    await bot_with_target.say("/jadwal lusa 08:00 Ketiga")
    await bot_with_target.say("/jadwal besok 08:00 Pertama " + "panjang " * 20)
    await bot_with_target.say("/jadwal besok 07:00 Nol", image=JPEG)
    reply = await bot_with_target.say("/queue")
    lines = reply.splitlines()
    assert lines[0] == "Antrian: 3 post menunggu (halaman 1/1)"
    assert lines[1] == "#3 Min 22 Nov 07:00 -> Grup Demo A"
    assert lines[2].strip() == "[foto] Nol"
    assert lines[3] == "#2 Min 22 Nov 08:00 -> Grup Demo A"
    assert lines[4].strip().endswith("\u2026") and len(lines[4].strip()) <= 48
    assert lines[5] == "#1 Sen 23 Nov 08:00 -> Grup Demo A"


async def test_queue_pages(bot_with_target: Bot):
    for minute in range(25):
        await bot_with_target.say(f"/jadwal besok 08:{minute:02d} Post {minute}")
    first = await bot_with_target.say("/antrian")
    assert "halaman 1/3" in first and first.endswith("Halaman berikutnya: /antrian 2")
    assert first.count(" -> Grup Demo A") == 10
    last = await bot_with_target.say("/antrian 3")
    assert last.count(" -> Grup Demo A") == 5 and "#25 " in last and "berikutnya" not in last
    assert await bot_with_target.say("/antrian 4") == m.BAD_PAGE_OF.format(
        page=4, listed=m.QUEUE_LISTED, pages=3
    )
    assert "tidak terbaca" in await bot_with_target.say("/antrian dua")


# --- /batal -------------------------------------------------------------------------------


async def test_cancel_pending_post(bot_with_target: Bot):
    await bot_with_target.say("/jadwal besok 08:00 Halo")
    reply = await bot_with_target.say("/batal 1")
    assert reply == "#1 dibatalkan (Minggu, 22 Nov 2026 08:00 WIB, Grup Demo A)."
    post = await bot_with_target.app.store.get_post(1)
    assert post is not None and post.status is PostStatus.CANCELLED
    assert await bot_with_target.say("/antrian") == m.QUEUE_EMPTY
    again = await bot_with_target.say("/cancel #1")
    assert again == m.CANNOT_CANCEL.format(id=1, status="dibatalkan")
    events = await bot_with_target.app.store.events(1)
    assert [(e[1], e[2]) for e in events] == [(None, "pending"), ("pending", "cancelled")]


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/batal", m.POST_ID_MISSING.format(name="batal")),
        ("/batal abc", "tidak terbaca: \u201cabc\u201d"),
        ("/batal \u00b2", m.BAD_ID.format(raw="\u00b2")),  # a digit to isdigit, not to int
        ("/batal 99", m.POST_NOT_FOUND.format(id=99)),
    ],
)
async def test_cancel_errors(bot_with_target: Bot, command: str, expected: str):
    await bot_with_target.say("/jadwal besok 08:00 Tetap")
    assert expected in await bot_with_target.say(command)
    assert await pending(bot_with_target) == [(1, "Tetap")]


# --- /grup and /tujuan --------------------------------------------------------------------


async def test_groups_are_numbered_by_name(bot: Bot):
    reply = await bot.say("/grup")
    assert reply.splitlines()[1:4] == ["1. Alumni SMA", "2. Grup Demo A", "3. Grup Demo B"]


async def test_groups_empty_and_unavailable(bot: Bot):
    bot.transport.groups = []
    assert await bot.say("/groups") == m.GROUPS_EMPTY
    bot.transport.groups_error = RuntimeError("not connected")
    assert await bot.say("/grup") == m.GROUPS_UNAVAILABLE


@pytest.mark.parametrize(
    ("command", "name"),
    [
        ("/tujuan 3", "Grup Demo B"),
        ("/target alumni", "Alumni SMA"),
        ("/tujuan GRUP DEMO A", "Grup Demo A"),
    ],
)
async def test_target_by_number_or_name(bot: Bot, command: str, name: str):
    assert await bot.say(command) == m.TARGET_SET.format(name=name)
    assert [g.name for g in bot.app.state.destinations] == [name]
    assert (await bot.say("/tujuan")).startswith(m.TARGET_CURRENT.format(name=name))


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/tujuan grup demo", "cocok dengan beberapa grup"),
        ("/tujuan arisan", "tidak ditemukan"),
        ("/tujuan 9", m.TARGET_BAD_NUMBER.format(number=9, count=3)),
        ("/tujuan", m.TARGET_NONE),
    ],
)
async def test_target_errors_leave_destination_unset(bot: Bot, command: str, expected: str):
    assert expected in await bot.say(command)
    assert bot.app.state.destinations == []


async def test_target_sent_inside_a_group_picks_it_and_answers_privately(bot: Bot):
    group = GROUPS[2]
    await bot.say("/tujuan", chat=group.jid, is_group=True)
    assert bot.transport.sent[-1].chat == OWNER_CHAT
    assert bot.transport.sent[-1].text == m.TARGET_SET.format(name=group.name)
    assert [g.jid for g in bot.app.state.destinations] == [group.jid]


# --- /status, unknown, owners ---------------------------------------------------------


async def test_status_reports_everything(bot_with_target: Bot):
    await bot_with_target.say("/jadwal besok 08:00 Satu")
    await bot_with_target.say("/jadwal besok 07:00 Dua")
    await bot_with_target.say("/batal 1")
    reply = await bot_with_target.say("/status")
    assert "Koneksi: terhubung (uji)" in reply
    assert "Tujuan: Grup Demo A" in reply
    assert "Post: 1 menunggu, 0 terkirim, 1 dibatalkan" in reply
    assert "Berikutnya: #2 Minggu, 22 Nov 2026 07:00 WIB -> Grup Demo A" in reply
    assert "Zona waktu: Asia/Jakarta (WIB)" in reply
    assert "Error terakhir: -" in reply
    assert "jadwal-bot 0." in reply


async def test_unexpected_error_gets_apology_not_details_and_is_recorded(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
):
    async def boom(self: object) -> None:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr("bot.store.Store.counts", boom)
    reply = await bot.say("/status")
    assert reply == m.GENERIC_ERROR
    assert "secret" not in reply
    assert await bot.app.store.get_setting(Key.LAST_ERROR) == "/status: RuntimeError"
    monkeypatch.undo()
    assert "Error terakhir: /status: RuntimeError" in await bot.say("/status")


async def test_unknown_command(bot: Bot):
    assert await bot.say("/hapus 1") == m.UNKNOWN_COMMAND.format(name="hapus")


async def test_strangers_and_plain_text_are_ignored(bot_with_target: Bot):
    dispatch = bot_with_target.app.dispatcher
    assert dispatch is not None
    before = len(bot_with_target.transport.sent)
    await dispatch.dispatch(
        make_message("/jadwal besok 08:00 spam", sender="6289999", from_me=False)
    )
    await dispatch.dispatch(make_message("halo bot, apa kabar"))
    await dispatch.dispatch(make_message("/"))
    assert len(bot_with_target.transport.sent) == before
    assert await pending(bot_with_target) == []


async def test_without_owner_setting_the_logged_in_account_is_the_owner(start_bot, settings):
    from dataclasses import replace

    from tests.conftest import Clock
    from tests.fakes import OWNER

    bot = await start_bot(clock=Clock(SATURDAY_EVENING), settings_=replace(settings, owners=()))
    assert await bot.say("/status", sender=OWNER, from_me=True)
    before = len(bot.transport.sent)
    assert bot.app.dispatcher is not None
    await bot.app.dispatcher.dispatch(make_message("/status", sender=OWNER, from_me=False))
    # Another person writing to the account; from-me commands in their chat: test_owner_rules.
    await bot.app.dispatcher.dispatch(make_message("/status", sender="628111", from_me=False))
    assert len(bot.transport.sent) == before


async def test_reply_in_the_past_timezone_shown_in_local_time(bot_with_target: Bot):
    bot_with_target.clock.advance(hours=4)  # type: ignore[attr-defined]  # 00:00 WIB Sunday
    reply = await bot_with_target.say("/jadwal 00:30 Tengah malam")
    assert "Minggu, 22 Nov 2026 00:30 WIB" in reply
    post = await bot_with_target.app.store.get_post(1)
    assert post is not None
    assert post.due_at - SATURDAY_EVENING == timedelta(hours=4, minutes=30)


async def test_a_reply_that_cannot_be_sent_does_not_escape_dispatch(bot: Bot):
    logged: list[str] = []
    sink = logger.add(lambda record: logged.append(record), level="ERROR")
    bot.transport.fail_replies_with = TransportError("not connected")
    try:
        assert bot.app.dispatcher is not None
        await bot.app.dispatcher.dispatch(make_message("/status"))  # must not raise
        await bot.app.dispatcher.dispatch(make_message("/tujuan 99"))
    finally:
        logger.remove(sink)
    assert sum("could not answer message" in line for line in logged) == 2
    assert bot.transport.replies() == []
