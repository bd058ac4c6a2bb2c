"""One post to several groups: one id, one delivery per group, each claimed, sent and recorded
on its own; /jadwal ke:, /antrian, /lihat, /riwayat, /batal, /ulang and /kirim per group."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

from bot import messages as m
from bot.models import Group, PostContent, PostStatus, SentMessage, aggregate_status
from bot.settings import Settings
from bot.store import Store
from bot.transport.whatsapp.errors import send_error
from tests.conftest import SATURDAY_EVENING, Bot, BotFactory, Clock
from tests.fakes import GROUPS, FakeTransport, eventually, make_message

DEMO_A, DEMO_B, ALUMNI = GROUPS  # /grup numbers them by name: 1 Alumni SMA, 2 A, 3 B
# whatsmeow errors.go: ErrNotInGroup, as neonize raises it from a send to such a group.
NOT_IN_GROUP = "failed to send message: you're not participating in that group"


class GroupRefusing(FakeTransport):
    """Sends to the groups in `refused` fail as whatsmeow fails a send to a group the account
    left (classified by bot.transport.whatsapp.errors.send_error, as the transport does)."""

    def __init__(self) -> None:
        super().__init__()
        self.refused: set[str] = set()

    async def send_text(self, chat: str, text: str, *, post_id: int | None = None) -> SentMessage:
        if chat in self.refused:
            raise send_error(NOT_IN_GROUP, connected=True)
        return await super().send_text(chat, text, post_id=post_id)


async def exchange(bot: Bot, text: str) -> list[str]:
    """Every message the bot sent the owner in answer to `text` (/lihat sends two)."""
    before = len(bot.transport.replies())
    assert bot.app.dispatcher is not None
    await bot.app.dispatcher.dispatch(make_message(text, timestamp=bot.clock()))
    return bot.transport.replies()[before:]


def to_groups(bot: Bot, post_id: int) -> list[tuple[str, str]]:
    return [(s.chat, s.text) for s in bot.transport.posts() if s.post_id == post_id]


async def states(bot: Bot, post_id: int) -> list[tuple[str, PostStatus]]:
    post = await bot.app.store.get_post(post_id)
    assert post is not None
    return [(d.name, d.status) for d in post.deliveries]


async def test_one_post_goes_to_each_group_once_in_order(bot: Bot):
    reply = await bot.say("/jadwal ke:3,2 besok 08:00 Halo semua")
    assert reply.startswith("#1 terjadwal Minggu, 22 Nov 2026 08:00 WIB")
    assert "-> Grup Demo B, Grup Demo A" in reply
    assert "-> Grup Demo B, Grup Demo A\n" in await bot.say("/antrian")
    assert (await bot.say("/kirim 1")) == m.SENDING_NOW.format(
        id=1, dest="Grup Demo B, Grup Demo A"
    )
    await eventually(lambda: len(bot.transport.posts()) == 2)
    await asyncio.sleep(0.1)
    assert to_groups(bot, 1) == [(DEMO_B.jid, "Halo semua"), (DEMO_A.jid, "Halo semua")]
    (post,) = await bot.app.store.all_posts()  # one post, one id
    assert post.status is PostStatus.SENT
    assert [d.status for d in post.deliveries] == [PostStatus.SENT, PostStatus.SENT]
    sent_ids = [s.post_id for s in bot.transport.posts()]
    assert sent_ids == [1, 1]
    ids = [d.wa_message_id for d in post.deliveries]
    assert len(set(ids)) == 2 and all(ids)
    # each group's own history: pending -> sending -> sent, named by group
    moves = [(e.group, e.after) for e in await bot.app.store.post_events(1) if e.group]
    assert moves == [
        ("Grup Demo B", "sending"),
        ("Grup Demo B", "sent"),
        ("Grup Demo A", "sending"),
        ("Grup Demo A", "sent"),
    ]
    history = await bot.say("/riwayat")
    assert "#1 terkirim" in history and "-> Grup Demo B, Grup Demo A" in history


async def test_ke_takes_names_quotes_and_the_english_alias(bot: Bot):
    assert "-> Alumni SMA " in await bot.say("/jadwal to:alumni besok 08:00 Reuni")
    assert "-> Grup Demo B " in await bot.say('/jadwal ke:"Grup Demo B" besok 09:00 Rapat')
    assert "-> Alumni SMA, Grup Demo A " in await bot.say("/jadwal KE:1,2\nbesok 10:00 Dua baris")
    posts = await bot.app.store.all_posts()
    assert [(p.text, p.destination_name) for p in posts] == [
        ("Reuni", "Alumni SMA"),
        ("Rapat", "Grup Demo B"),
        ("Dua baris", "Alumni SMA, Grup Demo A"),
    ]


async def test_ke_counts_right_after_the_time_and_never_without_its_colon(bot_with_target: Bot):
    bot = bot_with_target  # default: Grup Demo A
    await bot.say("/jadwal besok 08:00 ke:3 pasar dulu")
    await bot.say("/jadwal besok 09:00 ke pasar bersama")
    posts = await bot.app.store.all_posts()
    assert [(p.text, p.destination_name) for p in posts] == [
        ("pasar dulu", "Grup Demo B"),
        ("ke pasar bersama", "Grup Demo A"),
    ]


async def test_an_unknown_group_in_ke_queues_nothing(bot_with_target: Bot):
    reply = await bot_with_target.say("/jadwal ke:9 besok 08:00 Halo")
    assert m.TARGET_BAD_NUMBER.format(number=9, count=3) in reply
    reply = await bot_with_target.say("/jadwal ke: besok 08:00 Halo")
    assert m.TARGET_EMPTY in reply
    assert await bot_with_target.app.store.all_posts() == []


async def test_the_default_groups_are_all_used(bot: Bot):
    await bot.app.state.set_destinations([ALUMNI, DEMO_B])
    reply = await bot.say("/jadwal besok 08:00 Ke dua grup")
    assert "-> Alumni SMA, Grup Demo B " in reply
    (post,) = await bot.app.store.all_posts()
    assert post.destinations == [(ALUMNI.jid, ALUMNI.name), (DEMO_B.jid, DEMO_B.name)]


async def test_a_failed_group_is_retried_alone(start_bot: BotFactory):
    transport = GroupRefusing()
    bot = await start_bot(clock=Clock(SATURDAY_EVENING), transport=transport)
    await bot.say("/jadwal ke:2,3,1 besok 08:00 Info penting")
    transport.refused = {DEMO_B.jid}
    await bot.say("/kirim 1")
    await eventually(lambda: any("gagal dikirim" in r for r in transport.replies()))
    await eventually(lambda: len(transport.posts()) == 2)
    await asyncio.sleep(0.1)
    notice = next(r for r in transport.replies() if "gagal dikirim" in r)
    assert notice.startswith("Post #1 gagal dikirim ke Grup Demo B: ")
    assert await states(bot, 1) == [
        ("Grup Demo A", PostStatus.SENT),
        ("Grup Demo B", PostStatus.FAILED),
        ("Alumni SMA", PostStatus.SENT),
    ]
    post = await bot.app.store.get_post(1)
    assert post is not None and post.status is PostStatus.FAILED
    history = await bot.say("/riwayat")
    assert "#1 gagal" in history
    assert "-> Grup Demo A (terkirim), Grup Demo B, Alumni SMA (terkirim)" in history
    content, shown = await exchange(bot, "/lihat 1")
    assert content == "Info penting"
    assert "\n  Grup Demo B: gagal (akun bot bukan anggota grup" in shown
    assert "\n  Grup Demo A: terkirim " in shown and "\n  Alumni SMA: terkirim " in shown
    assert "Grup Demo B: sedang dikirim -> gagal" in shown

    transport.refused = set()
    reply = await bot.say("/ulang 1")
    assert reply.startswith(m.RETRYING.format(id=1, dest="Grup Demo B"))
    assert m.NOT_AGAIN.format(groups="Grup Demo A (terkirim), Alumni SMA (terkirim)") in reply
    await eventually(lambda: len(transport.posts()) == 3)
    await asyncio.sleep(0.1)
    assert [s.chat for s in transport.posts()] == [DEMO_A.jid, ALUMNI.jid, DEMO_B.jid]
    post = await bot.app.store.get_post(1)
    assert post is not None and post.status is PostStatus.SENT
    assert (await bot.say("/ulang 1")).startswith(m.CANNOT_RETRY.format(id=1, status="terkirim"))


async def test_cancel_after_one_group_got_it(start_bot: BotFactory, settings: Settings):
    # Pacing holds the next group for a moment after the first one went out.
    paced = replace(settings, pacing_min_s=0.5, pacing_max_s=0.5)
    bot = await start_bot(settings_=paced)
    await bot.say("/jadwal ke:2,3,1 besok 08:00 Batal sebagian")
    await bot.say("/kirim 1")
    await eventually(lambda: len(bot.transport.posts()) == 1)
    reply = await bot.say("/batal 1")
    assert "dibatalkan" in reply and "Grup Demo B, Alumni SMA)." in reply
    assert m.NOT_CANCELLED.format(groups="Grup Demo A (terkirim)") in reply
    await asyncio.sleep(0.8)  # past the pacing turn of the next group
    assert to_groups(bot, 1) == [(DEMO_A.jid, "Batal sebagian")]
    assert await states(bot, 1) == [
        ("Grup Demo A", PostStatus.SENT),
        ("Grup Demo B", PostStatus.CANCELLED),
        ("Alumni SMA", PostStatus.CANCELLED),
    ]
    post = await bot.app.store.get_post(1)
    assert post is not None and post.status is PostStatus.SENT
    assert m.CANNOT_CANCEL.format(id=1, status="terkirim") in await bot.say("/batal 1")


async def seed(settings: Settings, due_hours_ago: float, groups: tuple[Group, ...]) -> int:
    store = await Store.open(settings.db_path)
    try:
        post = await store.add_post(
            SATURDAY_EVENING - timedelta(hours=due_hours_ago),
            PostContent("Seeded"),
            [(g.jid, g.name) for g in groups],
            now=SATURDAY_EVENING - timedelta(days=1),
        )
        return post.id
    finally:
        await store.close()


async def test_an_overdue_post_is_missed_in_its_groups_in_one_summary(
    start_bot: BotFactory, settings: Settings
):
    post_id = await seed(settings, 3, (DEMO_A, ALUMNI))
    bot = await start_bot(clock=Clock(SATURDAY_EVENING))
    await eventually(lambda: bot.transport.replies())
    await asyncio.sleep(0.1)
    [summary] = bot.transport.replies()
    assert summary.startswith("1 post terlewat")
    assert f"#{post_id} Sab 21 Nov 17:00 -> Grup Demo A, Alumni SMA" in summary
    assert bot.transport.posts() == []
    assert await states(bot, post_id) == [
        ("Grup Demo A", PostStatus.MISSED),
        ("Alumni SMA", PostStatus.MISSED),
    ]


async def test_a_group_left_sending_is_reported_and_the_rest_go_out(
    start_bot: BotFactory, settings: Settings
):
    """As a crash between groups leaves it: the first group sent, the second claimed."""
    post_id = await seed(settings, 0.5, (DEMO_A, DEMO_B, ALUMNI))
    store = await Store.open(settings.db_path)
    try:
        post = await store.get_post(post_id)
        assert post is not None
        first, second, _ = post.deliveries
        for delivery, to in ((first, PostStatus.SENT), (second, None)):
            assert await store.move(
                post_id, PostStatus.SENDING, expect=PostStatus.PENDING, delivery_id=delivery.id
            )
            if to is not None:
                assert await store.move(
                    post_id, to, expect=PostStatus.SENDING, delivery_id=delivery.id
                )
        assert (await store.get_post(post_id)).status is PostStatus.SENDING  # type: ignore[union-attr]
    finally:
        await store.close()
    bot = await start_bot(clock=Clock(SATURDAY_EVENING))
    await eventually(lambda: bot.transport.posts() and bot.transport.replies())
    await eventually(lambda: len(bot.transport.replies()) == 2)
    # What may not have arrived, then (it went out half an hour after its time) the late one.
    notice, late = bot.transport.replies()
    assert late.startswith("1 post terkirim terlambat") and f"#{post_id} " in late
    assert m.UNCERTAIN_LINE.format(id=post_id, dest="Grup Demo B") in notice
    assert "Grup Demo A" not in notice and "Alumni SMA" not in notice
    assert to_groups(bot, post_id) == [(ALUMNI.jid, "Seeded")]
    assert await states(bot, post_id) == [
        ("Grup Demo A", PostStatus.SENT),
        ("Grup Demo B", PostStatus.UNCERTAIN),
        ("Alumni SMA", PostStatus.SENT),
    ]
    reply = await bot.say(f"/ulang {post_id}")
    assert reply.startswith(m.RETRYING.format(id=post_id, dest="Grup Demo B"))
    await eventually(lambda: len(bot.transport.posts()) == 2)
    assert [s.chat for s in bot.transport.posts()] == [ALUMNI.jid, DEMO_B.jid]


async def test_each_occurrence_of_a_series_keeps_the_groups(bot: Bot):
    await bot.say("/jadwal ke:1,3 setiap hari 08:00 Senam pagi")
    await bot.say("/kirim 1")
    await eventually(lambda: len(bot.transport.posts()) == 2)

    async def queued() -> int:
        return len(await bot.app.store.all_posts())

    for _ in range(100):
        if await queued() == 2:
            break
        await asyncio.sleep(0.01)
    first, second = await bot.app.store.all_posts()
    assert second.series_id == first.id and second.status is PostStatus.PENDING
    assert (
        second.destinations
        == first.destinations
        == [
            (ALUMNI.jid, ALUMNI.name),
            (DEMO_B.jid, DEMO_B.name),
        ]
    )


def test_a_post_sums_up_its_groups() -> None:
    p = PostStatus
    for groups, summed in (
        ((p.SENT, p.SENDING, p.PENDING), p.SENDING),
        ((p.SENT, p.PENDING, p.FAILED), p.PENDING),
        ((p.FAILED, p.UNCERTAIN, p.MISSED), p.UNCERTAIN),
        ((p.MISSED, p.SENT, p.FAILED), p.FAILED),
        ((p.SENT, p.MISSED, p.CANCELLED), p.MISSED),
        ((p.CANCELLED, p.CANCELLED), p.CANCELLED),
        ((p.SENT, p.CANCELLED), p.SENT),
        ((p.SENT,), p.SENT),
    ):
        assert aggregate_status(groups) is summed, groups


async def test_a_refused_send_now_names_its_state(bot: Bot):
    await bot.say("/jadwal ke:2 besok 08:00 Sekali")
    await bot.say("/batal 1")
    assert (await bot.say("/kirim 1")).startswith(
        m.CANNOT_SEND_NOW.format(id=1, status="dibatalkan")
    )
