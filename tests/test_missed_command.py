"""/terlewat: the posts missed while the bot was down, sent all at once or dropped, as the
missed-posts summary offers; only missed groups move, never one that failed or may have
arrived."""

from __future__ import annotations

from datetime import timedelta

from bot import messages as m
from bot.models import PostContent, PostStatus
from bot.posts import MISSED_KEPT
from tests.conftest import SATURDAY_EVENING, Bot, BotFactory, Clock
from tests.fakes import GROUPS, FakeTransport, eventually

DEMO_A, DEMO_B = GROUPS[0], GROUPS[1]


async def missed_while_down(start_bot: BotFactory, clock: Clock, count: int) -> Bot:
    """`count` posts (to group A, and #1 to B too) due while the bot is stopped for a day:
    the restarted bot marks them missed and says so once."""
    first = await start_bot(clock=clock)
    for n in range(count):
        groups = [(DEMO_A.jid, DEMO_A.name)]
        if n == 0:
            groups.append((DEMO_B.jid, DEMO_B.name))
        await first.app.store.add_post(
            SATURDAY_EVENING + timedelta(minutes=n + 1), PostContent(f"p{n}"), groups
        )
    await first.app.stop()
    clock.advance(days=1)
    transport = FakeTransport()
    bot = await start_bot(clock=clock, transport=transport)
    await eventually(lambda: transport.replies())
    summary = transport.replies()[0]
    assert summary.startswith(f"{count} post terlewat") and "/terlewat kirim" in summary
    return bot


async def test_the_list_names_each_missed_post_and_its_groups(start_bot: BotFactory):
    bot = await missed_while_down(start_bot, Clock(SATURDAY_EVENING), 3)
    reply = await bot.say("/terlewat")
    assert reply.startswith(f"3 post terlewat (dalam {MISSED_KEPT.days} hari terakhir)")
    assert "#1 " in reply and "Grup Demo A, Grup Demo B" in reply
    assert "#2 " in reply and "#3 " in reply


async def test_send_all_sends_each_missed_group_once(start_bot: BotFactory):
    bot = await missed_while_down(start_bot, Clock(SATURDAY_EVENING), 3)
    reply = await bot.say("/terlewat kirim")
    assert reply == m.TERLEWAT_SENT.format(count=3, ids="#1, #2, #3")
    await eventually(lambda: len(bot.transport.posts()) == 4)
    assert sorted((p.chat, p.text) for p in bot.transport.posts()) == sorted(
        [(DEMO_A.jid, "p0"), (DEMO_B.jid, "p0"), (DEMO_A.jid, "p1"), (DEMO_A.jid, "p2")]
    )
    assert {p.status for p in await bot.app.store.all_posts()} == {PostStatus.SENT}
    # Nothing is left to send: a second answer acts on nothing.
    assert await bot.say("/terlewat kirim") == m.TERLEWAT_NONE.format(days=MISSED_KEPT.days)


async def test_drop_all_cancels_them_and_sends_nothing(start_bot: BotFactory):
    bot = await missed_while_down(start_bot, Clock(SATURDAY_EVENING), 2)
    assert await bot.say("/terlewat buang") == m.TERLEWAT_DROPPED.format(count=2, ids="#1, #2")
    assert {p.status for p in await bot.app.store.all_posts()} == {PostStatus.CANCELLED}
    assert await bot.say("/terlewat") == m.TERLEWAT_NONE.format(days=MISSED_KEPT.days)
    assert bot.transport.posts() == []


async def test_a_group_that_failed_is_left_to_retry(start_bot: BotFactory):
    bot = await missed_while_down(start_bot, Clock(SATURDAY_EVENING), 1)
    store = bot.app.store
    (post,) = await store.all_posts()
    group_b = next(d for d in post.deliveries if d.name == DEMO_B.name)
    for before, after in (
        (PostStatus.MISSED, PostStatus.PENDING),
        (PostStatus.PENDING, PostStatus.SENDING),
        (PostStatus.SENDING, PostStatus.FAILED),
    ):
        assert await store.move(post.id, after, expect=before, delivery_id=group_b.id)
    await bot.say("/terlewat kirim")
    await eventually(lambda: len(bot.transport.posts()) == 1)
    assert [p.chat for p in bot.transport.posts()] == [DEMO_A.jid]
    stored = await store.get_post(post.id)
    assert stored is not None
    assert {d.name: d.status for d in stored.deliveries}[DEMO_B.name] is PostStatus.FAILED


async def test_missed_long_ago_is_history_not_backlog(start_bot: BotFactory):
    clock = Clock(SATURDAY_EVENING)
    bot = await missed_while_down(start_bot, clock, 1)
    clock.advance(days=MISSED_KEPT.days + 1)
    assert await bot.say("/terlewat kirim") == m.TERLEWAT_NONE.format(days=MISSED_KEPT.days)
    assert bot.transport.posts() == []


async def test_an_unknown_word_is_refused_with_the_usage(start_bot: BotFactory):
    bot = await missed_while_down(start_bot, Clock(SATURDAY_EVENING), 1)
    reply = await bot.say("/terlewat semua")
    assert m.TERLEWAT_BAD.format(word=m.echo("semua")) in reply
    assert m.TERLEWAT_USAGE in reply
    assert {p.status for p in await bot.app.store.all_posts()} == {PostStatus.MISSED}
