"""/kirim, /ulang, /riwayat and /lihat through the real dispatcher, store and scheduler."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import pytest

from bot import messages as m
from bot.models import PostContent, PostStatus
from bot.settings import Settings
from bot.store import Store
from bot.transport.base import TransportError
from tests.commands import usage
from tests.conftest import SATURDAY_EVENING, Bot, BotFactory, Clock
from tests.fakes import GROUPS, JPEG, OWNER_CHAT, Sent, eventually, make_message

DEMO_A = GROUPS[0]


async def exchange(bot: Bot, text: str) -> list[Sent]:
    """Everything the bot sent the owner in answer to `text` (for multi-message replies)."""
    before = len(bot.transport.sent)
    assert bot.app.dispatcher is not None
    await bot.app.dispatcher.dispatch(make_message(text))
    return [s for s in bot.transport.sent[before:] if s.chat == OWNER_CHAT]


async def status(bot: Bot, post_id: int) -> PostStatus:
    post = await bot.app.store.get_post(post_id)
    assert post is not None
    return post.status


def names(text: str, post_id: int) -> bool:
    return re.search(rf"#{post_id}(?!\d)", text) is not None


async def delivered(bot: Bot, post_id: int) -> None:
    """Wait until `post_id` is out, then check it went exactly once and is recorded sent."""
    await eventually(lambda: any(s.post_id == post_id for s in bot.transport.posts()))
    await asyncio.sleep(0.1)
    assert [s.post_id for s in bot.transport.posts()].count(post_id) == 1
    assert await status(bot, post_id) is PostStatus.SENT


async def failed_post(bot: Bot, reason: str = "grup tidak ditemukan") -> int:
    """Schedule a post and make its send fail for good; wait for the owner's notice."""
    await bot.say("/jadwal besok 08:00 Akan gagal")
    post_id = len(await bot.app.store.all_posts())
    bot.transport.fail_with = TransportError(reason)
    notices = len(bot.transport.replies())
    await bot.say(f"/kirim {post_id}")
    await eventually(lambda: len(bot.transport.replies()) > notices + 1)
    assert "gagal dikirim" in bot.transport.last_reply()
    assert await status(bot, post_id) is PostStatus.FAILED
    bot.transport.fail_with = None
    return post_id


# --- /kirim -------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["/kirim", "/send", "/KIRIM"])
async def test_send_now_moves_a_pending_post_to_now(bot_with_target: Bot, command: str):
    bot = bot_with_target
    await bot.say("/jadwal besok 08:00 Halo besok")
    await bot.say("/jadwal besok 09:00 Tetap besok")
    assert await bot.say(f"{command} 1") == m.SENDING_NOW.format(id=1, dest=DEMO_A.name)
    await delivered(bot, 1)
    assert [s.text for s in bot.transport.posts()] == ["Halo besok"]
    post = await bot.app.store.get_post(1)
    assert post is not None and post.due_at == SATURDAY_EVENING
    assert await status(bot, 2) is PostStatus.PENDING
    reasons = [e[3] for e in await bot.app.store.events(1)]
    assert "sent now by owner" in reasons


async def test_send_now_refusals(bot_with_target: Bot):
    bot = bot_with_target
    assert await bot.say("/kirim 99") == m.POST_NOT_FOUND.format(id=99)
    assert await bot.say("/kirim #99") == "Post #99 tidak ada."
    reply = await bot.say("/kirim abc")
    assert reply.startswith("Nomor post tidak terbaca") and usage("kirim") in reply
    assert usage("kirim") in await bot.say("/kirim")

    await bot.say("/jadwal besok 08:00 Dibatalkan")
    await bot.say("/batal 1")
    assert await bot.say("/kirim 1") == "Post #1 berstatus dibatalkan; tidak bisa dikirim sekarang."

    await bot.say("/jadwal besok 08:00 Terkirim")
    await bot.say("/kirim 2")
    await delivered(bot, 2)
    assert await bot.say("/kirim 2") == "Post #2 berstatus terkirim; tidak bisa dikirim sekarang."
    await asyncio.sleep(0.1)
    assert [s.post_id for s in bot.transport.posts()] == [2]


async def test_send_now_on_a_failed_post_points_to_retry(bot_with_target: Bot):
    post_id = await failed_post(bot_with_target)
    reply = await bot_with_target.say(f"/kirim {post_id}")
    assert reply == m.USE_RETRY.format(id=post_id, status="gagal")
    assert f"/ulang {post_id}" in reply
    assert await status(bot_with_target, post_id) is PostStatus.FAILED


# --- /ulang -------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["/ulang", "/retry"])
async def test_retry_a_failed_post(bot_with_target: Bot, command: str):
    bot = bot_with_target
    post_id = await failed_post(bot)
    assert bot.transport.posts() == []
    assert await bot.say(f"{command} {post_id}") == m.RETRYING.format(id=post_id, dest=DEMO_A.name)
    await delivered(bot, post_id)
    moves = [(e[1], e[2]) for e in await bot.app.store.events(post_id)]
    assert moves[-4:] == [
        ("sending", "failed"),
        ("failed", "pending"),
        ("pending", "sending"),
        ("sending", "sent"),
    ]


async def test_retry_a_missed_post(bot_with_target: Bot):
    bot = bot_with_target
    post = await bot.app.store.add_post(
        SATURDAY_EVENING - timedelta(hours=3), PostContent("Terlewat"), [(DEMO_A.jid, DEMO_A.name)]
    )
    bot.services.queue_changed()
    await eventually(lambda: any("terlewat" in r for r in bot.transport.replies()))
    assert await status(bot, post.id) is PostStatus.MISSED
    assert bot.transport.posts() == []
    await bot.say(f"/ulang {post.id}")
    await delivered(bot, post.id)
    stored = await bot.app.store.get_post(post.id)
    assert stored is not None and stored.due_at == SATURDAY_EVENING  # moved to "now"


async def test_retry_an_uncertain_post(start_bot: BotFactory, settings: Settings):
    store = await Store.open(settings.db_path)
    post = await store.add_post(
        SATURDAY_EVENING - timedelta(minutes=1),
        PostContent("Belum pasti"),
        [(DEMO_A.jid, DEMO_A.name)],
    )
    assert await store.move(post.id, PostStatus.SENDING, expect=PostStatus.PENDING)
    await store.close()
    bot = await start_bot(clock=Clock(SATURDAY_EVENING))
    await eventually(lambda: bot.transport.replies())  # the uncertain notice
    assert await status(bot, post.id) is PostStatus.UNCERTAIN
    assert f"/ulang {post.id}" in bot.transport.last_reply()
    assert bot.transport.posts() == []
    assert await bot.say(f"/ulang {post.id}") == m.RETRYING.format(id=post.id, dest=DEMO_A.name)
    await delivered(bot, post.id)


async def test_retry_refusals(bot_with_target: Bot):
    bot = bot_with_target
    assert await bot.say("/ulang 7") == "Post #7 tidak ada."
    assert usage("ulang") in await bot.say("/ulang x")
    await bot.say("/jadwal besok 08:00 Masih menunggu")
    reply = await bot.say("/ulang 1")
    assert reply == m.CANNOT_RETRY.format(id=1, status="menunggu")
    assert "/ulang hanya untuk post yang gagal" in reply
    assert await status(bot, 1) is PostStatus.PENDING
    post = await bot.app.store.get_post(1)
    assert post is not None and post.due_at > SATURDAY_EVENING  # not moved

    await bot.say("/kirim 1")
    await delivered(bot, 1)
    assert await bot.say("/ulang 1") == m.CANNOT_RETRY.format(id=1, status="terkirim")
    await asyncio.sleep(0.1)
    assert len(bot.transport.posts()) == 1


# --- /riwayat -----------------------------------------------------------------------------


async def finished_posts(bot: Bot, count: int) -> dict[int, PostStatus]:
    """`count` posts finished one minute apart: sent, failed, missed in turn."""
    store = bot.app.store
    outcomes: dict[int, PostStatus] = {}
    for n in range(count):
        at = SATURDAY_EVENING - timedelta(hours=2) + timedelta(minutes=n)
        post = await store.add_post(
            SATURDAY_EVENING + timedelta(days=1, minutes=n),
            PostContent(f"Post nomor {n + 1}"),
            [(DEMO_A.jid, DEMO_A.name)],
            now=at,
        )
        kind = (PostStatus.SENT, PostStatus.FAILED, PostStatus.MISSED)[n % 3]
        if kind is PostStatus.MISSED:
            await store.move(
                post.id, kind, expect=PostStatus.PENDING, reason="overdue beyond grace", now=at
            )
        else:
            await store.move(post.id, PostStatus.SENDING, expect=PostStatus.PENDING, now=at)
            await store.move(
                post.id,
                kind,
                expect=PostStatus.SENDING,
                now=at,
                reason="grup tujuan tidak ada lagi (item-not-found)"
                if kind is PostStatus.FAILED
                else None,
                sent_at=at if kind is PostStatus.SENT else None,
                wa_message_id="wa-x" if kind is PostStatus.SENT else None,
            )
        outcomes[post.id] = kind
    return outcomes


def listed(reply: str) -> list[int]:
    return [int(x) for x in re.findall(r"^#(\d+) ", reply, re.M)]


async def test_history_pages_newest_first(bot_with_target: Bot):
    bot = bot_with_target
    outcomes = await finished_posts(bot, 25)
    await bot.say("/jadwal besok 08:00 Belum terkirim")  # pending: not history
    await bot.say("/jadwal besok 08:00 Batal")
    await bot.say("/batal 27")  # cancelled: not history

    first = await bot.say("/riwayat")
    assert first.splitlines()[0] == "Riwayat: 25 post (halaman 1/3), terbaru dulu"
    assert listed(first) == list(range(25, 15, -1))
    assert first.splitlines()[-1] == "Halaman berikutnya: /riwayat 2"
    second = await bot.say("/riwayat 2")
    assert listed(second) == list(range(15, 5, -1))
    assert "(halaman 2/3)" in second and "/riwayat 3" in second
    third = await bot.say("/history 3")
    assert listed(third) == [5, 4, 3, 2, 1]
    assert "Halaman berikutnya" not in third
    assert "Halaman 4 tidak ada" in await bot.say("/riwayat 4")
    assert usage("riwayat") in await bot.say("/riwayat dua")

    lines = first.splitlines()
    for post_id, kind in outcomes.items():
        if post_id < 16:
            continue
        at = next(i for i, line in enumerate(lines) if line.startswith(f"#{post_id} "))
        head, detail = lines[at], lines[at + 1]
        assert head.startswith(f"#{post_id} {m.STATUS_NAMES[kind]} ")
        assert head.endswith("-> Grup Demo A")
        assert f"Post nomor {post_id}" in detail
        if kind is PostStatus.FAILED:
            assert detail.endswith("(grup tujuan tidak ada lagi (item-not-found))")
        elif kind is PostStatus.SENT:
            assert "(" not in detail


async def test_history_of_real_deliveries_and_when_empty(bot_with_target: Bot):
    bot = bot_with_target
    assert await bot.say("/riwayat") == m.HISTORY_EMPTY
    for n in range(3):
        await bot.say(f"/jadwal besok 08:0{n} Kiriman {n + 1}")
    for n in range(1, 4):
        await bot.say(f"/kirim {n}")
        await delivered(bot, n)
    reply = await bot.say("/riwayat")
    assert listed(reply) == [3, 2, 1]
    assert "Riwayat: 3 post (halaman 1/1)" in reply and "Halaman berikutnya" not in reply


# --- /lihat -------------------------------------------------------------------------------


async def test_show_a_text_post_with_status_times_and_events(bot_with_target: Bot):
    bot = bot_with_target
    await bot.say("/jadwal besok 08:00 Selamat pagi\nBaris dua")
    preview, details = (s.text for s in await exchange(bot, "/lihat 1"))
    assert preview == "Selamat pagi\nBaris dua"  # as it will appear
    assert details.splitlines()[0] == "#1 menunggu: Minggu, 22 Nov 2026 08:00 WIB -> Grup Demo A"
    assert "Riwayat:" in details and "menunggu" in details.splitlines()[-1]
    assert "Terkirim:" not in details

    await bot.say("/kirim 1")
    await delivered(bot, 1)
    shown = await exchange(bot, "/show 1")
    assert len(shown) == 2 and shown[0].text == "Selamat pagi\nBaris dua"
    details = shown[1].text
    assert details.startswith("#1 terkirim: Sabtu, 21 Nov 2026 20:00 WIB -> Grup Demo A")
    assert "Terkirim: " in details
    assert "menunggu -> sedang dikirim" in details
    assert "sedang dikirim -> terkirim" in details
    assert "Alasan:" not in details


async def test_show_a_failed_post_gives_the_reason(bot_with_target: Bot):
    post_id = await failed_post(bot_with_target, "grup tujuan tidak ada lagi (item-not-found)")
    _, details = (s.text for s in await exchange(bot_with_target, f"/lihat {post_id}"))
    assert details.startswith(f"#{post_id} gagal: ")
    assert "Alasan: grup tujuan tidak ada lagi (item-not-found)" in details
    assert "sedang dikirim -> gagal" in details


async def test_show_an_image_post_sends_the_image(bot_with_target: Bot, settings: Settings):
    bot = bot_with_target
    await bot.say("/jadwal besok 09:00 Promo minggu ini", image=JPEG)
    post = await bot.app.store.get_post(1)
    assert post is not None and post.media_path
    image, details = await exchange(bot, "/view 1")
    assert image.image == settings.media_dir / post.media_path
    assert image.image.read_bytes() == JPEG
    assert image.text == "Promo minggu ini"
    assert details.image is None and details.text.startswith("#1 menunggu: ")

    image.image.unlink()
    gone, after = (s.text for s in await exchange(bot, "/lihat 1"))
    assert gone == m.PHOTO_GONE
    assert after.startswith("#1 menunggu: ")


async def test_show_refusals(bot: Bot):
    assert await bot.say("/lihat 5") == "Post #5 tidak ada."
    assert usage("lihat") in await bot.say("/lihat")
    assert usage("lihat") in await bot.say("/show lima")


@pytest.mark.parametrize("page", ["0", "4"])
async def test_history_page_outside_the_pages_is_refused(bot_with_target: Bot, page: str):
    await finished_posts(bot_with_target, 25)
    assert await bot_with_target.say(f"/riwayat {page}") == (
        f"Halaman {page} tidak ada; riwayat punya 3 halaman."
    )
