"""A command is judged at the time it was typed (its WhatsApp timestamp), not when it arrived."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot import messages as m
from bot.dispatcher import LATE_AFTER
from bot.timefmt import format_local
from tests.conftest import SATURDAY_EVENING, Bot
from tests.fakes import JPEG, OWNER_CHAT, make_message

NOW = SATURDAY_EVENING  # the bots' clock: Saturday 21 Nov 2026, 20:00 WIB


def late_note(typed: str, delay: str) -> str:
    return m.LATE_COMMAND.format(typed=typed, delay=delay) + "\n\n"


async def test_relative_time_counts_from_when_it_was_typed(bot_with_target: Bot):
    reply = await bot_with_target.say(
        "/jadwal dalam 1 jam Rapat", timestamp=NOW - timedelta(minutes=30)
    )
    post = await bot_with_target.app.store.get_post(1)
    assert post is not None
    assert post.due_at == NOW + timedelta(minutes=30)
    assert post.created_at == NOW  # the record of when it was queued stays the clock
    assert reply.endswith("(30 menit lagi)\n\u201cRapat\u201d")


async def test_edit_counts_from_when_it_was_typed(bot_with_target: Bot):
    await bot_with_target.say("/jadwal besok 08:00 Rapat")
    reply = await bot_with_target.say("/ubah 1 2 jam lagi", timestamp=NOW - timedelta(hours=1))
    post = await bot_with_target.app.store.get_post(1)
    assert post is not None and post.due_at == NOW + timedelta(hours=1)
    assert reply.endswith(
        m.MOVED.format(
            id=1, when=format_local(post.due_at, bot_with_target.services.tz), dest="Grup Demo A"
        )
        + "\n\u201cRapat\u201d"
    )


async def test_a_timestamp_ahead_of_the_clock_counts_from_the_clock(bot_with_target: Bot):
    reply = await bot_with_target.say(
        "/jadwal dalam 1 jam Rapat", timestamp=NOW + timedelta(minutes=10)
    )
    post = await bot_with_target.app.store.get_post(1)
    assert post is not None and post.due_at == NOW + timedelta(hours=1)
    assert reply.startswith("#1 terjadwal")


async def test_a_command_typed_hours_ago_says_so(bot: Bot):
    reply = await bot.say("/antrian", timestamp=NOW - timedelta(hours=3))
    assert reply == late_note("Sabtu, 21 Nov 2026 17:00 WIB", "3 jam") + m.QUEUE_EMPTY


@pytest.mark.parametrize(
    ("age", "late"),
    [
        (timedelta(minutes=1), False),
        (LATE_AFTER, False),
        (LATE_AFTER + timedelta(seconds=1), True),
    ],
)
async def test_late_threshold(bot: Bot, age: timedelta, late: bool):
    reply = await bot.say("/antrian", timestamp=NOW - age)
    assert (reply != m.QUEUE_EMPTY) is late
    assert reply.endswith(m.QUEUE_EMPTY)


async def test_refusals_of_a_late_command_carry_the_note_too(bot: Bot):
    reply = await bot.say("/batal 7", timestamp=NOW - timedelta(minutes=45))
    assert reply == late_note("Sabtu, 21 Nov 2026 19:15 WIB", "45 menit") + m.POST_NOT_FOUND.format(
        id=7
    )


async def test_the_note_comes_before_a_photo_not_in_its_caption(bot_with_target: Bot):
    await bot_with_target.say("/jadwal besok 09:00 Promo", image=JPEG)
    transport = bot_with_target.transport
    before = len(transport.sent)
    assert bot_with_target.app.dispatcher is not None
    await bot_with_target.app.dispatcher.dispatch(
        make_message("/lihat 1", timestamp=NOW - timedelta(hours=1))
    )
    sent = transport.sent[before:]
    assert [(s.chat, s.image is not None) for s in sent] == [
        (OWNER_CHAT, False),
        (OWNER_CHAT, True),
        (OWNER_CHAT, False),
    ]
    assert sent[0].text == m.LATE_COMMAND.format(
        typed="Sabtu, 21 Nov 2026 19:00 WIB", delay="1 jam"
    )
    assert sent[1].text == "Promo"
    assert not sent[2].text.startswith("Catatan")


@pytest.mark.parametrize(
    ("command", "reason"),
    [
        # typed at 17:00 for 18:00; read now, the usual proposal for a past "hari ini"
        (
            "/jadwal hari ini 18:00 Rapat",
            m.TIME_PAST_TODAY.format(hhmm="18:00", when="Minggu, 22 Nov 2026 18:00 WIB"),
        ),
        # typed at 17:00: "in one hour" was 18:00; what it would mean now is proposed
        (
            "/jadwal dalam 1 jam Rapat",
            m.TIME_PAST.format(when="Sabtu, 21 Nov 2026 18:00 WIB")
            + m.TIME_SUGGEST.format(when="Sabtu, 21 Nov 2026 21:00 WIB"),
        ),
        # typed at 17:00 for 19:00 (a bare clock: today then, tomorrow now)
        (
            "/jadwal 19:00 Rapat",
            m.TIME_PAST.format(when="Sabtu, 21 Nov 2026 19:00 WIB")
            + m.TIME_SUGGEST.format(when="Minggu, 22 Nov 2026 19:00 WIB"),
        ),
    ],
)
async def test_a_time_already_past_on_arrival_is_refused_with_a_proposal(
    bot_with_target: Bot, command: str, reason: str
):
    reply = await bot_with_target.say(command, timestamp=NOW - timedelta(hours=3))
    assert (
        reply == late_note("Sabtu, 21 Nov 2026 17:00 WIB", "3 jam") + f"{reason}\n{m.PROPOSAL_HINT}"
    )
    assert await bot_with_target.app.store.pending_page(10, 0) == []


async def test_a_move_already_past_on_arrival_is_refused(bot_with_target: Bot):
    await bot_with_target.say("/jadwal besok 08:00 Rapat")
    reply = await bot_with_target.say("/ubah 1 dalam 30 menit", timestamp=NOW - timedelta(hours=1))
    assert m.TIME_PAST.format(when="Sabtu, 21 Nov 2026 19:30 WIB") in reply
    post = await bot_with_target.app.store.get_post(1)
    assert post is not None and post.due_at == datetime(2026, 11, 22, 1, 0, tzinfo=UTC)


async def test_a_repeating_post_typed_late_starts_at_its_next_occurrence(bot_with_target: Bot):
    reply = await bot_with_target.say(
        "/jadwal setiap hari 19:00 Doa malam", timestamp=NOW - timedelta(hours=2)
    )
    post = await bot_with_target.app.store.get_post(1)
    assert post is not None and post.repeat_rule is not None
    assert post.due_at == NOW + timedelta(hours=23)  # Sunday 19:00 WIB
    assert reply.startswith(late_note("Sabtu, 21 Nov 2026 18:00 WIB", "2 jam") + "#1 terjadwal")
