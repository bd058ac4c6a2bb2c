"""What protects the owner's number across a restart, an outage and the owner's own notices:
the pause and the quiet-hours notice are kept in the database, a held post's grace counts
from the end of its hold, a 429 on a notice pauses the posts, a series repeating within a
day skips the quiet hours, and posts leave part of the hour's and day's caps to notices.
The real App on virtual time (tests/protectkit.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot import messages as m
from bot import quiethours
from bot.dbpeek import stored_settings
from bot.models import PostContent, PostStatus
from bot.ratecaps import Caps
from bot.repeat import RepeatRule
from bot.restriction import Pause, Signal
from bot.series import outside_quiet
from bot.state import Key
from bot.timefmt import format_short
from bot.transport.whatsapp.errors import send_error
from tests.conftest import Bot
from tests.protectkit import (
    DEMO_A,
    START,
    ClockedTransport,
    Launcher,
    launcher,
    queue,
    run_until,
)

__all__ = ["launcher"]  # the fixture

WIB = ZoneInfo("Asia/Jakarta")
# whatsmeow send.go (sendNode's error path) as neonize reports it: the server's code 429.
RATE_LIMITED = "server returned error 429"
QUIET = "23:00-01:00"
EVENING = datetime(2026, 11, 21, 15, 58, tzinfo=UTC)  # Saturday 22:58 WIB
QUIET_START = datetime(2026, 11, 21, 16, 0, tzinfo=UTC)  # 23:00 WIB
QUIET_END = datetime(2026, 11, 21, 18, 0, tzinfo=UTC)  # Sunday 01:00 WIB


def prefix(template: str) -> str:
    return template.split("{", 1)[0]


def clocked(bot: Bot) -> ClockedTransport:
    assert isinstance(bot.transport, ClockedTransport)
    return bot.transport


async def status_of(bot: Bot, post_id: int) -> list[PostStatus]:
    post = await bot.app.store.get_post(post_id)
    assert post is not None
    return [d.status for d in post.deliveries]


# --- a pause across a restart ------------------------------------------------------------


async def paused(launcher: Launcher) -> tuple[Bot, list[int], datetime]:
    """Two posts due at 20:00:30; the first send is refused with 429. Returns when the
    owner was told, with the moment the pause began."""
    bot = await launcher.start(launcher.settings())
    transport = clocked(bot)
    transport.fail_next = [send_error(RATE_LIMITED, True)]
    ids = await queue(bot, START + timedelta(seconds=30), 2)
    await run_until(
        launcher.clock, lambda: bool(transport.owner_sends(prefix(m.SENDING_PAUSED))), 60
    )
    return bot, ids, bot.clock()


async def test_a_pause_outlives_a_restart_and_the_owner_is_not_told_again(launcher: Launcher):
    bot, ids, paused_at = await paused(launcher)
    ends = paused_at + timedelta(minutes=15)
    await launcher.stop(bot)
    assert Key.PAUSE in stored_settings(bot.app.settings.db_path)
    await launcher.clock.advance(60)
    again = await launcher.start(launcher.settings())
    transport = clocked(again)
    shown = m.STATUS_PAUSED.format(
        reason=m.PAUSE_REASONS["rate_limited"], until=format_short(ends, WIB)
    )
    assert shown in (await again.say("/status")).splitlines()
    await launcher.clock.advance((ends - again.clock()).total_seconds() - 1)
    assert transport.post_sends() == []
    await run_until(launcher.clock, lambda: len(transport.post_sends()) == 2, 60)
    assert [(s.post_id, s.at) for s in transport.post_sends()] == [(i, ends) for i in ids]
    assert transport.owner_sends(prefix(m.SENDING_PAUSED)) == []


async def test_a_pause_lifted_with_lanjut_stays_lifted_after_a_restart(launcher: Launcher):
    bot, _, _ = await paused(launcher)
    assert (await bot.say("/lanjut")).startswith(prefix(m.RESUMED))
    await run_until(launcher.clock, lambda: len(clocked(bot).post_sends()) == 2, 60)
    await launcher.stop(bot)
    assert Key.PAUSE not in stored_settings(bot.app.settings.db_path)
    again = await launcher.start(launcher.settings())
    due = again.clock() + timedelta(seconds=30)
    [post] = await queue(again, due)
    await run_until(launcher.clock, lambda: len(clocked(again).post_sends()) == 1, 60)
    assert [(s.post_id, s.at) for s in clocked(again).post_sends()] == [(post, due)]


def test_a_stored_pause_reads_back_as_written_and_garbage_is_refused():
    pause = Pause(Signal.REACHOUT_TIMELOCK, START, START + timedelta(minutes=30), 1, "463 ✓")
    assert Pause.from_text(pause.to_text()) == pause
    for garbage in ("", "{}", "[1]", '{"signal": "nope"}', "not json"):
        with pytest.raises(ValueError):
            Pause.from_text(garbage)


# --- quiet hours across a restart, and the grace after a hold -----------------------------


async def night(launcher: Launcher, grace: timedelta = timedelta(hours=1)) -> tuple[Bot, int]:
    """Quiet hours 23:00-01:00 and a post due at 23:00 (queued as a series' next occurrence
    would be, without asking); returns once the owner was told it waits."""
    bot = await launcher.at(EVENING).start(launcher.settings(grace=grace))
    [post] = await queue(bot, QUIET_START)
    assert (await bot.say(f"/senyap {QUIET}")).startswith(prefix(m.QUIET_SET))
    told = prefix(m.QUIET_HOLDING)
    await run_until(launcher.clock, lambda: bool(clocked(bot).owner_sends(told)), 600)
    return bot, post


async def test_a_restart_in_the_quiet_hours_does_not_tell_the_owner_again(launcher: Launcher):
    bot, post = await night(launcher)
    await launcher.stop(bot)
    await launcher.clock.advance(10 * 60)
    again = await launcher.start(launcher.settings(grace=timedelta(hours=1)))
    transport = clocked(again)
    await run_until(launcher.clock, lambda: len(transport.post_sends()) == 1, 3 * 3600)
    assert [(s.post_id, s.at) for s in transport.post_sends()] == [(post, QUIET_END)]
    assert transport.owner_sends(prefix(m.QUIET_HOLDING)) == []


@pytest.mark.parametrize(
    ("down_for", "expected"),
    [
        (timedelta(minutes=5), PostStatus.SENT),  # within the 10 minutes' grace from 01:00
        (timedelta(minutes=20), PostStatus.MISSED),  # beyond it
    ],
)
async def test_after_a_hold_the_grace_counts_from_its_end(
    launcher: Launcher, down_for: timedelta, expected: PostStatus
):
    # Due 23:00, held to 01:00: two hours, with a grace of ten minutes.
    bot, post = await night(launcher, grace=timedelta(minutes=10))
    transport = clocked(bot)
    await launcher.clock.advance((QUIET_END - bot.clock()).total_seconds() - 60)
    transport.connected = False  # from 00:59
    await launcher.clock.advance((QUIET_END + down_for - bot.clock()).total_seconds())
    transport.connected = True
    await run_until(
        launcher.clock,
        lambda: (
            bool(transport.post_sends()) or bool(transport.owner_sends(prefix(m.MISSED_SUMMARY)))
        ),
        60,
    )
    await launcher.clock.advance(5)
    assert await status_of(bot, post) == [expected]
    assert len(transport.post_sends()) == (expected is PostStatus.SENT)


# --- a 429 on a notice ---------------------------------------------------------------------


async def test_a_429_on_a_notice_to_the_owner_pauses_the_posts(launcher: Launcher):
    bot = await launcher.start(launcher.settings())
    transport = clocked(bot)
    transport.fail_replies_with = send_error(RATE_LIMITED, True)
    await bot.app.notify_owner("uji")
    await launcher.clock.advance(1)
    transport.fail_replies_with = None
    due = bot.clock() + timedelta(minutes=1)
    [post] = await queue(bot, due)
    await run_until(launcher.clock, lambda: len(transport.post_sends()) == 1, 20 * 60)
    [sent] = transport.post_sends()
    assert sent.post_id == post
    assert sent.at == START + timedelta(minutes=15)  # held by the pause, not sent at `due`
    [told] = transport.owner_sends(prefix(m.SENDING_PAUSED))
    assert m.PAUSE_REASONS["rate_limited"] in told.text


# --- a series repeating within a day, and the quiet hours -----------------------------------


def test_an_every_two_hours_series_skips_the_slots_inside_the_quiet_hours():
    quiet = quiethours.parse("21:00-06:00")
    start = datetime(2026, 11, 21, 1, 0, tzinfo=UTC)  # 08:00 WIB
    rule = RepeatRule(every_minutes=120, start=start)
    ten_pm = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)  # 22:00 WIB
    six_am = datetime(2026, 11, 21, 23, 0, tzinfo=UTC)  # Sunday 06:00 WIB
    assert outside_quiet(rule, ten_pm, quiet, WIB) == six_am
    eight_pm = datetime(2026, 11, 21, 13, 0, tzinfo=UTC)
    assert outside_quiet(rule, eight_pm, quiet, WIB) == eight_pm  # outside: kept
    assert outside_quiet(rule, ten_pm, None, WIB) == ten_pm  # no quiet hours
    daily = RepeatRule(every_minutes=24 * 60, start=ten_pm)
    assert outside_quiet(daily, ten_pm, quiet, WIB) == ten_pm  # once a day: held, not skipped


async def test_a_series_repeating_within_the_hour_posts_once_after_the_quiet_hours(
    launcher: Launcher,
):
    """Every 2 minutes from 22:58, quiet 23:00-23:06: 23:00, 23:02 and 23:04 are skipped, and
    23:06 goes once (held to the window's end, 23:00 would go with it). Minutes, not hours:
    the scheduler looks at a pending post every virtual second."""
    bot = await launcher.at(EVENING).start(launcher.settings())
    transport = clocked(bot)
    assert (await bot.say("/senyap 23:00-23:06")).startswith(prefix(m.QUIET_SET))
    rule = RepeatRule(every_minutes=2, start=EVENING)
    await bot.app.store.add_post(
        EVENING,
        PostContent("cek"),
        [(DEMO_A.jid, DEMO_A.name)],
        now=bot.clock() - timedelta(minutes=1),
        repeat_rule=rule.to_text(),
    )
    bot.services.queue_changed()
    await run_until(launcher.clock, lambda: len(transport.post_sends()) == 3, 3600)
    await launcher.clock.advance(30)
    assert [s.at - EVENING for s in transport.post_sends()] == [
        timedelta(minutes=n) for n in (0, 8, 10)
    ]
    assert transport.owner_sends(prefix(m.QUIET_HOLDING)) == []  # nothing waited


# --- the reserve of the caps ---------------------------------------------------------------


async def test_posts_leave_the_hours_reserve_to_a_notice_which_goes_at_once(launcher: Launcher):
    bot = await launcher.start(launcher.settings(caps=Caps(0, 100, 0)))
    transport = clocked(bot)
    await queue(bot, START + timedelta(seconds=30), 100)
    await run_until(launcher.clock, lambda: len(transport.post_sends()) == 98, 600)
    await launcher.clock.advance(600)
    assert len(transport.post_sends()) == 98  # 2 of the hour's 100 are kept for notices
    await bot.app.notify_owner("uji")
    await run_until(launcher.clock, lambda: bool(transport.owner_sends("uji")), 1)
    await run_until(launcher.clock, lambda: len(transport.post_sends()) == 100, 3600)
    held = transport.post_sends()[98].at - transport.post_sends()[0].at
    assert held >= timedelta(hours=1)
