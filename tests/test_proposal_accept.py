"""Accepting a proposed reading ("Maksudnya besok 08:00?") by answering "ya": the post is
queued exactly as proposed, with the same text, photo and destination; anything else in
between drops the proposal, and a late "ya" says so."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot import messages as m
from bot.context import PROPOSAL_TTL
from bot.models import Post
from bot.repeat import RepeatRule
from tests.commands import usage
from tests.conftest import SATURDAY_EVENING, Bot
from tests.fakes import JPEG, OWNER_CHAT, make_message

SUNDAY_8 = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)  # Sunday 22 Nov 2026, 08:00 WIB
PAST_TODAY = "/jadwal hari ini 08:00 Rapat pagi\ndi aula"  # Saturday 20:00: 08:00 has passed
NINE_PM = SATURDAY_EVENING + timedelta(hours=1)  # Saturday 21:00 WIB


async def propose(
    bot: Bot, command: str = "/jadwal dalam 1 jam Rapat pagi\ndi aula", **kwargs: object
) -> str:
    """A command typed three hours ago: "in one hour" has passed, and what it means now
    (21:00) is proposed."""
    reply = await bot.say(command, timestamp=SATURDAY_EVENING - timedelta(hours=3), **kwargs)
    assert reply.endswith("\n" + m.PROPOSAL_HINT), reply
    return reply


async def posts(bot: Bot) -> list[Post]:
    return await bot.app.store.all_posts()


async def quiet(bot: Bot, text: str, **kwargs: object) -> None:
    """Dispatch `text` and check that the bot answers nothing."""
    before = len(bot.transport.sent)
    assert bot.app.dispatcher is not None
    kwargs.setdefault("timestamp", bot.clock())
    await bot.app.dispatcher.dispatch(make_message(text, **kwargs))  # type: ignore[arg-type]
    assert bot.transport.sent[before:] == []


async def test_the_proposal_ends_with_the_hint_and_queues_nothing(bot_with_target: Bot):
    reply = await bot_with_target.say(PAST_TODAY)
    assert reply.startswith("Jam 08:00 hari ini sudah lewat. Maksudnya besok 08:00?")
    assert reply.endswith("\n" + m.PROPOSAL_HINT)
    assert usage("jadwal") not in reply  # the command was understood: no usage lesson
    assert await posts(bot_with_target) == []


@pytest.mark.parametrize("answer", ["ya", "Ya", " iya ", "YES", "y", "ok", "Oke!", "/ya", "/ok"])
async def test_ya_queues_the_proposed_reading_with_the_same_text(bot_with_target: Bot, answer: str):
    reply = await propose(bot_with_target)
    assert "Maksudnya Sabtu, 21 Nov 2026 21:00 WIB?" in reply
    reply = await bot_with_target.say(answer)
    assert reply.startswith("#1 terjadwal Sabtu, 21 Nov 2026 21:00 WIB -> Grup Demo A")
    assert reply.endswith("\n\u201cRapat pagi \u2026\u201d")
    [post] = await posts(bot_with_target)
    assert (post.due_at, post.text, post.destination_name) == (
        NINE_PM,
        "Rapat pagi\ndi aula",
        "Grup Demo A",
    )
    # accepted once: a second "ya" has nothing to accept
    assert await bot_with_target.say("/ya") == m.PROPOSAL_NONE


async def test_ya_for_a_time_that_has_passed_today(bot_with_target: Bot):
    await bot_with_target.say(PAST_TODAY)
    reply = await bot_with_target.say("ya")
    assert reply.startswith("#1 terjadwal Minggu, 22 Nov 2026 08:00 WIB -> Grup Demo A")
    [post] = await posts(bot_with_target)
    assert (post.due_at, post.text) == (SUNDAY_8, "Rapat pagi\ndi aula")


async def test_ya_for_a_clock_that_passed_while_the_command_was_on_its_way(bot_with_target: Bot):
    # typed at 17:00 for 18:00 today; read at 20:00, tomorrow 18:00 is proposed
    reply = await propose(bot_with_target, "/jadwal hari ini 18:00 Rapat RT")
    assert "Maksudnya besok 18:00?" in reply
    assert (await bot_with_target.say("ya")).endswith("\n\u201cRapat RT\u201d")
    [post] = await posts(bot_with_target)
    assert (post.due_at, post.text) == (SUNDAY_8 + timedelta(hours=10), "Rapat RT")


async def test_ya_queues_the_same_photo(bot_with_target: Bot):
    await propose(bot_with_target, "/jadwal dalam 1 jam Promo", image=JPEG)
    reply = await bot_with_target.say("ya")
    assert reply.startswith("#1 terjadwal (foto) Sabtu, 21 Nov 2026 21:00 WIB")
    [post] = await posts(bot_with_target)
    assert post.media_path is not None and post.text == "Promo"
    stored = bot_with_target.services.media.path(post.media_path)
    assert stored.read_bytes() == JPEG


async def test_ya_accepts_a_proposed_repeat_rule(bot_with_target: Bot):
    reply = await bot_with_target.say("/jadwal setiap hari 07:00:30 Senam pagi")
    assert "Maksudnya setiap hari 07:00" in reply and reply.endswith(m.PROPOSAL_HINT)
    reply = await bot_with_target.say("ya")
    assert reply.startswith("#1 terjadwal setiap hari 07:00, pertama Minggu, 22 Nov 2026 07:00 WIB")
    [post] = await posts(bot_with_target)
    assert post.series_id == 1 and post.repeat_rule is not None and post.text == "Senam pagi"
    rule = RepeatRule.from_text(post.repeat_rule)
    assert (rule.hour, rule.minute) == (7, 0)


async def test_ya_moves_a_post_as_proposed(bot_with_target: Bot):
    await bot_with_target.say("/jadwal besok 09:00 Rapat")
    await propose(bot_with_target, "/ubah 1 dalam 30 menit")
    reply = await bot_with_target.say("ya")
    assert reply == "#1 dipindah ke Sabtu, 21 Nov 2026 20:30 WIB -> Grup Demo A\n\u201cRapat\u201d"
    post = await bot_with_target.app.store.get_post(1)
    assert post is not None and post.due_at == SATURDAY_EVENING + timedelta(minutes=30)


async def test_ya_moves_a_post_to_a_proposed_day(bot_with_target: Bot):
    await bot_with_target.say("/jadwal besok 09:00 Rapat")
    reply = await bot_with_target.say("/ubah 1 sabtu ini 10:00")
    assert "Maksudnya Sabtu, 28 Nov 2026 10:00 WIB?" in reply
    assert reply.endswith(m.PROPOSAL_HINT)
    reply = await bot_with_target.say("ya")
    assert reply == "#1 dipindah ke Sabtu, 28 Nov 2026 10:00 WIB -> Grup Demo A\n\u201cRapat\u201d"
    post = await bot_with_target.app.store.get_post(1)
    assert post is not None and post.due_at == datetime(2026, 11, 28, 3, 0, tzinfo=UTC)


async def test_another_command_drops_the_proposal(bot_with_target: Bot):
    await propose(bot_with_target)
    await bot_with_target.say("/antrian")
    await quiet(bot_with_target, "ya")  # plain text again: not an answer any more
    assert await bot_with_target.say("/ya") == m.PROPOSAL_NONE
    assert await posts(bot_with_target) == []


async def test_a_new_refusal_replaces_the_proposal(bot_with_target: Bot):
    await propose(bot_with_target)
    await propose(bot_with_target, "/jadwal dalam 2 jam Kedua")
    await bot_with_target.say("ya")
    [post] = await posts(bot_with_target)
    assert post.text == "Kedua" and post.due_at == NINE_PM + timedelta(hours=1)


async def test_ya_after_the_proposal_expired_says_so(bot_with_target: Bot):
    await propose(bot_with_target)
    bot_with_target.clock.advance(seconds=PROPOSAL_TTL.total_seconds() + 1)  # type: ignore[attr-defined]
    assert await bot_with_target.say("ya") == m.PROPOSAL_EXPIRED.format(minutes=5)
    assert await posts(bot_with_target) == []
    await quiet(bot_with_target, "ya")  # answered once; then plain text again


async def test_ya_just_inside_the_time_is_accepted(bot_with_target: Bot):
    await propose(bot_with_target)
    bot_with_target.clock.advance(seconds=PROPOSAL_TTL.total_seconds() - 1)  # type: ignore[attr-defined]
    assert (await bot_with_target.say("ya")).startswith("#1 terjadwal")


async def test_ya_with_nothing_pending(bot_with_target: Bot):
    await quiet(bot_with_target, "ya")  # plain "ya" with nothing to answer stays ignored
    await quiet(bot_with_target, "ok")
    assert await bot_with_target.say("/ya") == m.PROPOSAL_NONE


async def test_only_the_owner_can_answer(bot_with_target: Bot):
    await propose(bot_with_target)
    # someone else in the owner's chat, and the owner's "ya" in another chat
    await quiet(bot_with_target, "ya", sender="6289999", chat=OWNER_CHAT, from_me=False)
    await quiet(bot_with_target, "ya", chat="6289999@s.whatsapp.net")
    await quiet(bot_with_target, "ya", chat="120363000000000001@g.us", is_group=True)
    assert await posts(bot_with_target) == []
    assert (await bot_with_target.say("ya")).startswith("#1 terjadwal")


async def test_other_text_does_not_accept(bot_with_target: Bot):
    await propose(bot_with_target)
    await quiet(bot_with_target, "ya nanti saja")
    await quiet(bot_with_target, "yaa")
    assert await posts(bot_with_target) == []


async def test_a_refusal_without_a_proposal_keeps_the_usage_and_offers_nothing(
    bot_with_target: Bot,
):
    reply = await bot_with_target.say("/jadwal kapan-kapan halo")
    assert usage("jadwal") in reply and m.PROPOSAL_HINT not in reply
    await quiet(bot_with_target, "ya")


async def test_a_proposal_needs_text_or_photo(bot_with_target: Bot):
    reply = await bot_with_target.say("/jadwal hari ini 08:00")
    assert m.SCHEDULE_EMPTY_TEXT in reply and m.PROPOSAL_HINT not in reply


async def test_without_a_destination_ya_says_what_to_do(bot: Bot):
    await propose(bot)
    assert await bot.say("ya") == m.SCHEDULE_NO_DESTINATION
    assert await posts(bot) == []


async def test_a_restart_forgets_the_proposal(start_bot, bot_with_target: Bot):
    await propose(bot_with_target)
    await bot_with_target.app.stop()
    again = await start_bot(clock=bot_with_target.clock)
    await quiet(again, "ya")
    assert await again.say("/ya") == m.PROPOSAL_NONE
