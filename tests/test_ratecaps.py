"""Send caps: never more than a cap in any window of its length, the earliest free slot is
exactly when the oldest counted send leaves the window, and a restart (seed) rebuilds it."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.ratecaps import Cap, Caps, Period, RateLimiter

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
S = timedelta(seconds=1)


def allowed(history: list[datetime], caps: Caps, at: datetime) -> bool:
    """Brute force: one more send at `at` keeps each cap over the whole history."""
    return all(
        sum(1 for sent in history if sent > at - cap.period.value) < cap.limit
        for cap in caps.active()
    )


def worst_window(sends: list[datetime], length: timedelta) -> int:
    """The most sends any half-open span [t, t + length) holds (t at a send is enough)."""
    ordered = sorted(sends)
    return max(
        (sum(1 for other in ordered if start <= other < start + length) for start in ordered),
        default=0,
    )


def test_parse_defaults_off_words_and_numbers():
    assert Caps.parse(None, "", "  ") == Caps(5, 100, 800)
    assert Caps.parse("0", "off", "MATI") == Caps(0, 0, 0)
    assert Caps.parse(" 3 ", "60", "500") == Caps(3, 60, 500)
    assert Caps(0, 0, 0).active() == ()
    assert Caps(2, 0, 9).active() == (Cap(Period.MINUTE, 2), Cap(Period.DAY, 9))


def test_parse_names_every_bad_value():
    with pytest.raises(ValueError) as caught:
        Caps.parse("-1", "2.5", "lima")
    text = str(caught.value)
    for name in ("JADWAL_MAX_PER_MINUTE='-1'", "JADWAL_MAX_PER_HOUR='2.5'", "JADWAL_MAX_PER_DAY"):
        assert name in text
    with pytest.raises(ValueError):
        Caps(per_minute=-1)


def test_minute_cap_holds_the_sixth_send_until_the_first_leaves_the_window():
    limiter = RateLimiter(Caps(5, 0, 0))
    for i in range(5):
        at = T0 + i * 10 * S
        assert limiter.next_free(at) == at
        limiter.record(at)
    now = T0 + 45 * S
    assert limiter.next_free(now) == T0 + 60 * S
    assert limiter.holding(now) == Cap(Period.MINUTE, 5)
    assert limiter.used(Cap(Period.MINUTE, 5), now) == 5
    # exactly one window after the first send the slot is free (the window is half-open)
    assert limiter.next_free(T0 + 60 * S) == T0 + 60 * S
    assert limiter.holding(T0 + 60 * S) is None
    assert limiter.used(Cap(Period.MINUTE, 5), T0 + 60 * S) == 4
    assert limiter.used(Cap(Period.HOUR, 5), T0 + 60 * S) == 0  # not in force


def test_the_longest_hold_wins_and_is_named():
    limiter = RateLimiter(Caps(per_minute=2, per_hour=3, per_day=0))
    for at in (T0, T0 + 70 * S, T0 + 140 * S):
        assert limiter.next_free(at) == at
        limiter.record(at)
    now = T0 + 150 * S
    # the minute cap would free at 70 + 60 s, the hour cap only at T0 + 1 h
    assert limiter.next_free(now) == T0 + timedelta(hours=1)
    assert limiter.holding(now) == Cap(Period.HOUR, 3)


def test_no_caps_never_waits():
    limiter = RateLimiter(Caps(0, 0, 0))
    for i in range(1000):
        limiter.record(T0 + i * S / 10)
    assert limiter.next_free(T0) == T0
    assert limiter.holding(T0) is None


def test_memory_is_bounded_by_the_caps():
    limiter = RateLimiter(Caps(5, 100, 800))
    limiter.seed(T0 + i * S for i in range(50_000))
    for i in range(5_000):
        limiter.record(T0 + timedelta(days=1) + i * S)
    assert sorted(len(kept) for kept in limiter._recent.values()) == [5, 100, 800]


def test_an_out_of_order_record_is_slotted_in():
    limiter = RateLimiter(Caps(3, 0, 0))
    for at in (T0, T0 + 20 * S, T0 + 40 * S):
        limiter.record(at)
    limiter.record(T0 + 30 * S)  # older than the newest: the window now starts at 20 s
    assert limiter.next_free(T0 + 41 * S) == T0 + 80 * S
    limiter.record(T0 - timedelta(hours=1))  # older than every kept send: changes nothing
    assert limiter.next_free(T0 + 41 * S) == T0 + 80 * S


def test_naive_times_are_refused():
    limiter = RateLimiter(Caps())
    with pytest.raises(ValueError, match="naive"):
        limiter.next_free(datetime(2026, 3, 1, 8, 0))  # noqa: DTZ001
    with pytest.raises(ValueError, match="naive"):
        limiter.record(datetime(2026, 3, 1, 8, 0))  # noqa: DTZ001


def test_a_restart_seeded_from_stored_times_keeps_the_day_cap():
    """800 sends stored yesterday evening: after a restart the 801st waits for the first of
    them to be a day old, in whatever order the database hands them over."""
    caps = Caps(0, 0, 800)
    stored = [T0 + i * 30 * S for i in range(800)]
    random.Random(3).shuffle(stored)
    restarted = RateLimiter(caps)
    restarted.seed(iter(stored))  # read once, like a cursor
    now = T0 + timedelta(hours=10)
    assert restarted.next_free(now) == T0 + timedelta(days=1)
    assert restarted.holding(now) == Cap(Period.DAY, 800)


CAPS = st.builds(
    Caps,
    per_minute=st.integers(0, 6),
    per_hour=st.integers(0, 30),
    per_day=st.integers(0, 90),
)
# gaps between the moments a post becomes due: bursts, minutes, hours
GAPS = st.lists(
    st.one_of(st.integers(0, 5), st.integers(0, 300), st.integers(0, 4 * 3600), st.just(20 * 3600)),
    min_size=1,
    max_size=400,
)


@settings(max_examples=200, deadline=None)
@given(caps=CAPS, gaps=GAPS)
def test_a_long_run_never_exceeds_a_cap_and_never_waits_longer_than_needed(caps, gaps):
    """A single sender that waits for next_free and sends in order: every window of every
    cap holds at most its limit, and each wait ends at the first allowed moment."""
    limiter = RateLimiter(caps)
    sent: list[datetime] = []
    due = T0
    clock = T0
    for gap in gaps:
        due += gap * S
        clock = max(clock, due)
        slot = limiter.next_free(clock)
        assert slot >= clock
        assert allowed(sent, caps, slot)
        if slot > clock:  # held: one microsecond earlier would have broken a cap
            assert not allowed(sent, caps, slot - timedelta(microseconds=1))
        limiter.record(slot)
        sent.append(slot)
        clock = slot
    for cap in caps.active():
        assert worst_window(sent, cap.period.value) <= cap.limit
    assert len(sent) == len(gaps)  # none dropped


@settings(max_examples=150, deadline=None)
@given(
    caps=CAPS,
    offsets=st.lists(st.integers(0, 2 * 86400), max_size=300),
    probe=st.integers(0, 3 * 86400),
    seed=st.integers(0, 1000),
)
def test_seed_in_any_order_equals_recording_in_order(caps, offsets, probe, seed):
    times = [T0 + o * S for o in offsets]
    recorded = RateLimiter(caps)
    for at in sorted(times):
        recorded.record(at)
    shuffled = times[:]
    random.Random(seed).shuffle(shuffled)
    seeded = RateLimiter(caps)
    seeded.seed(shuffled)
    now = T0 + probe * S
    assert seeded.next_free(now) == recorded.next_free(now)
    assert seeded.holding(now) == recorded.holding(now)
    # and both agree with the brute force over the full history, from the latest send on
    later = max([now, *times])
    slot = seeded.next_free(later)
    assert allowed(times, caps, slot)
    if slot > later:
        assert not allowed(times, caps, slot - timedelta(microseconds=1))
