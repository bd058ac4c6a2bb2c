"""What protects the owner's number, end to end on virtual time: the send caps, quiet hours,
"typing..." before a post, the start jitter, the pause after a restriction signal and the
summary of posts sent late. Each runs through the real App (store, scheduler, deliverer,
notice sender, dispatcher) over a FakeTransport that stamps sends with the virtual clock
(tests/protectkit.py)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot import messages as m
from bot.models import PostStatus
from bot.ratecaps import Caps
from bot.timefmt import format_short
from bot.transport.base import TransportError
from bot.transport.whatsapp.errors import send_error
from handlers.protect import hold_why
from tests.conftest import Bot
from tests.protectkit import (
    DEMO_A,
    DEMO_B,
    START,
    ClockedTransport,
    Launcher,
    launched,
    launcher,
    most_in_any_window,
    queue,
    run_until,
)

__all__ = ["launcher"]  # the fixture

WIB = ZoneInfo("Asia/Jakarta")
MINUTE = timedelta(minutes=1)


def prefix(template: str) -> str:
    """The fixed start of a message template, before its first field."""
    return template.split("{", 1)[0]


async def statuses(bot: Bot, ids: list[int]) -> list[PostStatus]:
    """Each post's status (its only group's)."""
    found: list[PostStatus] = []
    for post_id in ids:
        post = await bot.app.store.get_post(post_id)
        assert post is not None
        found.extend(d.status for d in post.deliveries)
    return found


def sent_ids(transport: ClockedTransport) -> list[int | None]:
    return [s.post_id for s in transport.post_sends()]


# --- the send caps ----------------------------------------------------------------------


async def test_a_burst_of_12_keeps_5_a_minute_goes_out_whole_in_order(launcher: Launcher):
    bot = await launcher.start(launcher.settings(caps=Caps(5, 0, 0)))
    transport = bot.transport
    assert isinstance(transport, ClockedTransport)
    due = START + timedelta(seconds=30)
    ids = await queue(bot, due, 12)
    await run_until(launcher.clock, lambda: len(transport.post_sends()) == 5, 60)
    # The first five at once; seven wait for the minute, and /status says so.
    now = bot.clock()
    hold = bot.services.gate.hold_for_post(now)
    assert hold is not None
    status = await bot.say("/status")
    assert m.STATUS_WAITING.format(count=7, why=hold_why(hold, WIB)) in status.splitlines()
    await run_until(launcher.clock, lambda: len(transport.post_sends()) == 12, 600)
    times = [s.at for s in transport.post_sends()]
    assert most_in_any_window(times, MINUTE) == 5
    assert sent_ids(transport) == ids
    assert times[0] == due and times[5] == due + MINUTE and times[10] == due + 2 * MINUTE
    assert await statuses(bot, ids) == [PostStatus.SENT] * 12
    # Only the /status reply went to the owner: no notice (nothing missed, nothing late).
    assert [s.text for s in transport.owner_sends()] == [status]


async def test_a_wait_for_the_caps_longer_than_the_grace_never_misses_a_post(
    launcher: Launcher,
):
    bot = await launcher.start(launcher.settings(caps=Caps(1, 0, 0), grace=MINUTE))
    transport = bot.transport
    assert isinstance(transport, ClockedTransport)
    due = START + timedelta(seconds=30)
    ids = await queue(bot, due, 5)
    await run_until(launcher.clock, lambda: len(transport.post_sends()) == 5, 600)
    assert [s.at for s in transport.post_sends()] == [due + n * MINUTE for n in range(5)]
    assert sent_ids(transport) == ids
    assert await statuses(bot, ids) == [PostStatus.SENT] * 5
    assert transport.owner_sends() == []  # no missed summary


async def test_a_restart_keeps_the_count_so_the_sixth_post_still_waits(launcher: Launcher):
    settings = launcher.settings(caps=Caps(5, 0, 0))
    first = await launcher.start(settings)
    transport = first.transport
    assert isinstance(transport, ClockedTransport)
    due = START + timedelta(seconds=30)
    await queue(first, due, 5)
    await run_until(launcher.clock, lambda: len(transport.post_sends()) == 5, 60)
    await launcher.stop(first)

    await launcher.clock.advance(10)
    second = await launcher.start(settings)
    again = second.transport
    assert isinstance(again, ClockedTransport)
    [sixth] = await queue(second, second.clock())
    await run_until(launcher.clock, lambda: len(again.post_sends()) == 1, 120)
    [sent] = again.post_sends()
    assert sent.post_id == sixth
    assert sent.at == due + MINUTE  # the minute of the five sent before the restart


async def test_notices_count_toward_the_caps_and_wait_for_them(launcher: Launcher):
    bot = await launcher.start(launcher.settings(caps=Caps(2, 0, 0)))
    transport = bot.transport
    assert isinstance(transport, ClockedTransport)
    notices = [f"pemberitahuan {n}" for n in range(1, 4)]
    for text in notices:
        await bot.app.notify_owner(text)
    [post] = await queue(bot, bot.clock())
    await run_until(
        launcher.clock,
        lambda: len(transport.owner_sends()) == 3 and bool(transport.post_sends()),
        300,
    )
    start = START
    # Two notices fill the minute; the third and the post share the next one.
    assert [(s.text, s.at - start) for s in transport.owner_sends()] == [
        (notices[0], timedelta(0)),
        (notices[1], timedelta(0)),
        (notices[2], MINUTE),
    ]
    [sent] = transport.post_sends()
    assert (sent.post_id, sent.at) == (post, start + MINUTE)
    assert most_in_any_window([s.at for s in transport.sent], MINUTE) == 2
    # None dropped: each is marked sent, at the time it went.
    rows = await bot.app.store.unsent_notices()
    assert rows == []


# --- quiet hours ------------------------------------------------------------------------

# Quiet from 23:00 to 01:00 WIB: across midnight, and short, so that a test of it runs fast.
QUIET = "23:00-01:00"
EVENING = datetime(2026, 11, 21, 15, 58, tzinfo=UTC)  # Saturday 22:58 WIB
QUIET_START = datetime(2026, 11, 21, 16, 0, tzinfo=UTC)  # 23:00 WIB
QUIET_END = datetime(2026, 11, 21, 18, 0, tzinfo=UTC)  # Sunday 01:00 WIB


async def test_posts_due_in_quiet_hours_wait_for_their_end_and_the_owner_is_told_once(
    launcher: Launcher,
):
    night = launcher.at(EVENING)
    bot = await night.start(night.settings(grace=timedelta(hours=1)))  # shorter than the hold
    transport = bot.transport
    assert isinstance(transport, ClockedTransport)
    # Queued before the quiet hours were set (a series' next occurrence is queued the
    # same way, without asking): due inside them.
    ids = await queue(bot, QUIET_START, 2) + await queue(bot, QUIET_START + timedelta(minutes=90))
    assert (await bot.say(f"/senyap {QUIET}")).startswith(prefix(m.QUIET_SET))
    await run_until(night.clock, lambda: len(transport.post_sends()) == 3, 3 * 3600)
    assert [s.at for s in transport.post_sends()] == [QUIET_END] * 3
    assert sent_ids(transport) == ids
    assert await statuses(bot, ids) == [PostStatus.SENT] * 3
    told = transport.owner_sends(prefix(m.QUIET_HOLDING))
    assert [(s.text, s.at) for s in told] == [
        (m.QUIET_HOLDING.format(window=QUIET, until=format_short(QUIET_END, WIB)), QUIET_START)
    ]


# --- "typing..." before a post --------------------------------------------------------------

SHORT = "Pagi!"
MEDIUM = "Rapat pengurus nanti malam jam 19.30 di balai warga, mohon hadir tepat waktu ya."
LONG = "Pengumuman panjang. " * 30


async def typed_then_sent(launcher: Launcher, typing_max_s: float) -> ClockedTransport:
    bot = await launcher.start(launcher.settings(typing_max_s=typing_max_s))
    transport = bot.transport
    assert isinstance(transport, ClockedTransport)
    due = START + timedelta(seconds=30)
    for n, text in enumerate((SHORT, MEDIUM, LONG)):
        await queue(bot, due + n * MINUTE, groups=(DEMO_A, DEMO_B), text=text)
    await run_until(launcher.clock, lambda: len(transport.post_sends()) == 6, 600)
    return transport


async def test_typing_shows_before_each_send_for_longer_with_longer_text_up_to_the_cap(
    launcher: Launcher,
):
    transport = await typed_then_sent(launcher, typing_max_s=8)
    groups = [DEMO_A.jid, DEMO_B.jid] * 3
    expected = [(kind, chat) for chat in groups for kind in ("typing", "sent")]
    assert [(kind, chat) for kind, chat, _ in transport.timeline] == expected
    assert [on for _, _, on in transport.typing_at] == [True] * 6
    typed_for = [
        (sent.at - typed).total_seconds()
        for (typed, _, _), sent in zip(transport.typing_at, transport.post_sends(), strict=True)
    ]
    short, medium, long = typed_for[0:2], typed_for[2:4], typed_for[4:6]
    assert all(0 < s < 2 for s in short), typed_for
    assert all(3 < s < 7 for s in medium), typed_for
    assert long == [8.0, 8.0]  # 600 characters would take ~25 s: capped


async def test_typing_off_sends_without_a_typing_call(launcher: Launcher):
    transport = await typed_then_sent(launcher, typing_max_s=0)
    assert transport.typing == []
    assert len(transport.post_sends()) == 6


async def test_a_typing_indicator_that_fails_does_not_hold_the_post(launcher: Launcher):
    bot = await launcher.start(launcher.settings(typing_max_s=8))
    transport = bot.transport
    assert isinstance(transport, ClockedTransport)
    transport.typing_fails_with = TransportError("presence refused")
    ids = await queue(bot, START + timedelta(seconds=30), groups=(DEMO_A, DEMO_B))
    await run_until(launcher.clock, lambda: len(transport.post_sends()) == 2, 120)
    assert [kind for kind, _, _ in transport.timeline] == ["typing", "sent"] * 2
    post = await bot.app.store.get_post(ids[0])
    assert post is not None
    assert [d.status for d in post.deliveries] == [PostStatus.SENT] * 2
    assert transport.owner_sends() == []


# --- the start jitter -------------------------------------------------------------------

ON_THE_MINUTE = START + timedelta(minutes=1)  # 20:01:00 WIB


async def first_send(launcher: Launcher, due: datetime, jitter_s: float) -> datetime:
    bot = await launcher.start(launcher.settings(start_jitter_s=jitter_s))
    transport = bot.transport
    assert isinstance(transport, ClockedTransport)
    await queue(bot, due)
    await run_until(launcher.clock, lambda: len(transport.post_sends()) == 1, 120)
    return transport.post_sends()[0].at


async def test_a_post_due_on_the_minute_starts_within_15_s_after_it_the_same_way_each_time(
    tmp_path, monkeypatch
):
    starts = []
    for run in ("a", "b"):
        async with launched(tmp_path / run, monkeypatch) as launcher:
            starts.append(await first_send(launcher, ON_THE_MINUTE, 15))
    assert ON_THE_MINUTE < starts[0] <= ON_THE_MINUTE + timedelta(seconds=15)
    assert starts[0] == starts[1]  # seeded by the post (#1 both times)


async def test_a_post_due_within_a_minute_or_with_jitter_off_goes_on_time(tmp_path, monkeypatch):
    half_past = ON_THE_MINUTE + timedelta(seconds=30)
    async with launched(tmp_path / "a", monkeypatch) as launcher:
        assert await first_send(launcher, half_past, 15) == half_past
    async with launched(tmp_path / "b", monkeypatch) as launcher:
        assert await first_send(launcher, ON_THE_MINUTE, 0) == ON_THE_MINUTE


# --- a pause after a restriction signal -------------------------------------------------

RATE_LIMITED = "server returned error 429"


def post_counts(transport: ClockedTransport) -> Counter[int | None]:
    return Counter(s.post_id for s in transport.post_sends())


async def paused_by_a_429(launcher: Launcher) -> tuple[Bot, ClockedTransport, list[int]]:
    """Three posts due at 20:00:30; the first send is refused with 429. Returns once the
    owner was told of the pause."""
    bot = await launcher.start(launcher.settings())
    transport = bot.transport
    assert isinstance(transport, ClockedTransport)
    transport.fail_next = [send_error(RATE_LIMITED, True)]
    ids = await queue(bot, START + timedelta(seconds=30), 3)
    await run_until(launcher.clock, lambda: bool(transport.owner_sends()), 60)
    assert transport.post_sends() == []
    assert await statuses(bot, ids) == [PostStatus.PENDING] * 3
    [told] = transport.owner_sends()
    assert told.text.startswith(prefix(m.SENDING_PAUSED))
    assert m.PAUSE_REASONS["rate_limited"] in told.text
    return bot, transport, ids


async def test_a_429_pauses_all_sending_until_the_pause_runs_out(launcher: Launcher):
    bot, transport, ids = await paused_by_a_429(launcher)
    refused_at = bot.clock()
    status = await bot.say("/status")
    assert (
        m.STATUS_PAUSED.format(
            reason=m.PAUSE_REASONS["rate_limited"],
            until=format_short(refused_at + timedelta(minutes=15), WIB),
        )
        in status.splitlines()
    )
    assert m.STATUS_WAITING.split("{")[0] + "3 post" in status
    [later] = await queue(bot, refused_at + timedelta(minutes=5))
    await launcher.clock.advance(15 * 60 - 1)
    assert transport.post_sends() == []
    await run_until(launcher.clock, lambda: len(transport.post_sends()) == 4, 60)
    assert transport.post_sends()[0].at == refused_at + timedelta(minutes=15)
    assert sent_ids(transport) == [*ids, later]
    assert set(post_counts(transport).values()) == {1}
    assert await statuses(bot, [*ids, later]) == [PostStatus.SENT] * 4
    assert len(transport.owner_sends(prefix(m.SENDING_PAUSED))) == 1


async def test_lanjut_lifts_the_pause_early(launcher: Launcher):
    bot, transport, ids = await paused_by_a_429(launcher)
    await launcher.clock.advance(60)
    resumed_at = bot.clock()
    reply = await bot.say("/lanjut")
    assert reply == m.RESUMED.format(reason=m.PAUSE_REASONS["rate_limited"])
    await run_until(launcher.clock, lambda: len(transport.post_sends()) == 3, 60)
    assert [s.at for s in transport.post_sends()] == [resumed_at] * 3
    assert sent_ids(transport) == ids
    assert len(transport.owner_sends(prefix(m.SENDING_PAUSED))) == 1


async def test_three_ordinary_failures_in_a_row_pause_the_posts_after_them(launcher: Launcher):
    bot = await launcher.start(launcher.settings())
    transport = bot.transport
    assert isinstance(transport, ClockedTransport)
    transport.fail_next = [TransportError("grup tidak ada") for _ in range(3)]
    ids = await queue(bot, START + timedelta(seconds=30), 4)
    await run_until(
        launcher.clock, lambda: bool(transport.owner_sends(prefix(m.SENDING_PAUSED))), 60
    )
    paused_at = bot.clock()
    await launcher.clock.advance(60)
    assert await statuses(bot, ids) == [PostStatus.FAILED] * 3 + [PostStatus.PENDING]
    [told] = transport.owner_sends(prefix(m.SENDING_PAUSED))
    assert m.PAUSE_REASONS["failure_burst"] in told.text
    await run_until(launcher.clock, lambda: len(transport.post_sends()) == 1, 20 * 60)
    [sent] = transport.post_sends()
    assert (sent.post_id, sent.at) == (ids[3], paused_at + timedelta(minutes=15))


async def test_five_link_drops_in_ten_minutes_pause_sending(launcher: Launcher):
    bot = await launcher.start(launcher.settings())
    transport = bot.transport
    assert isinstance(transport, ClockedTransport)
    now = bot.clock()
    transport.drops = [now - timedelta(minutes=9 - 2 * n) for n in range(5)]  # 9 .. 1 min ago
    [post] = await queue(bot, now + timedelta(seconds=30))
    await run_until(
        launcher.clock, lambda: bool(transport.owner_sends(prefix(m.SENDING_PAUSED))), 60
    )
    [told] = transport.owner_sends(prefix(m.SENDING_PAUSED))
    assert m.PAUSE_REASONS["disconnect_storm"] in told.text
    await run_until(launcher.clock, lambda: len(transport.post_sends()) == 1, 20 * 60)
    [sent] = transport.post_sends()
    # The storm is counted when the post is about to go; the pause runs from the last drop.
    assert sent.post_id == post
    assert sent.at == transport.drops[-1] + timedelta(minutes=15)


async def test_five_link_drops_spread_over_more_than_ten_minutes_do_not_pause(
    launcher: Launcher,
):
    bot = await launcher.start(launcher.settings())
    transport = bot.transport
    assert isinstance(transport, ClockedTransport)
    now = bot.clock()
    transport.drops = [now - timedelta(minutes=14 - 3 * n) for n in range(5)]  # over 12 min
    due = now + timedelta(seconds=30)
    await queue(bot, due)
    await run_until(launcher.clock, lambda: len(transport.post_sends()) == 1, 60)
    assert transport.post_sends()[0].at == due
    assert transport.owner_sends() == []


# --- the summary of posts sent late -----------------------------------------------------


async def test_posts_held_past_the_late_mark_by_the_caps_are_named_in_one_summary(
    launcher: Launcher,
):
    bot = await launcher.start(launcher.settings(caps=Caps(1, 0, 0)))
    transport = bot.transport
    assert isinstance(transport, ClockedTransport)
    due = START + timedelta(seconds=30)
    ids = await queue(bot, due, 11)  # one a minute: the last goes 10 minutes late
    summary = prefix(m.LATE_SUMMARY)
    await run_until(launcher.clock, lambda: bool(transport.owner_sends(summary)), 30 * 60)
    await launcher.clock.advance(30 * 60)
    [told] = transport.owner_sends(summary)
    late = ids[6:]  # 6 .. 10 minutes after their time; 5 minutes is not late yet
    lines = [m.LATE_LINE.format(id=i, due=format_short(due, WIB)) for i in late]
    assert told.text == m.LATE_SUMMARY.format(count=len(late), lines="\n".join(lines))
    assert [s.at - due for s in transport.post_sends()] == [n * MINUTE for n in range(11)]
    assert len(transport.owner_sends()) == 1
