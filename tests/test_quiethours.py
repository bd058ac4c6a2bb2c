"""Quiet hours on the owner's wall clock: parse and format, start inclusive and end exclusive,
windows across midnight and within a day, and the end of a window across DST changes."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.quiethours import QuietHours, format_setting, parse

JAKARTA = ZoneInfo("Asia/Jakarta")
BERLIN = ZoneInfo("Europe/Berlin")
NIGHT = QuietHours(time(21, 0), time(6, 0))
LUNCH = QuietHours(time(12, 0), time(13, 0))


def at(
    tz: ZoneInfo,
    year: int,
    month: int,
    day: int,
    hour: int,
    minute: int = 0,
    second: int = 0,
    *,
    fold: int = 0,
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=tz, fold=fold)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("21:00-06:00", NIGHT),
        ("21.00-06.00", NIGHT),
        ("21-6", NIGHT),
        (" 21 - 6 ", NIGHT),
        ("21:00 \u2013 06:00", NIGHT),  # a phone may turn '-' into an en dash
        ("21.00 sampai 06.00", NIGHT),
        ("12:00-13:00", LUNCH),
        ("22:30-24", QuietHours(time(22, 30), time(0, 0))),
        ("0:15-5:45", QuietHours(time(0, 15), time(5, 45))),
    ],
)
def test_parse_accepts_the_usual_ways_of_writing_a_range(text, expected):
    assert parse(text) == expected


@pytest.mark.parametrize("text", ["", "  ", "off", "OFF", "mati", "Mati "])
def test_parse_off(text):
    assert parse(text) is None


@pytest.mark.parametrize(
    "text", ["21:00", "21:00-", "25-6", "21:60-06:00", "6-6", "06:00-6", "malam", "21:0-6", "x-y"]
)
def test_parse_refuses_with_the_accepted_forms(text):
    with pytest.raises(ValueError, match=r"21:00-06:00|same time|not a time of day"):
        parse(text)


def test_a_value_cannot_be_empty_or_zoned():
    with pytest.raises(ValueError):
        QuietHours(time(6), time(6))
    with pytest.raises(ValueError):
        QuietHours(time(21, tzinfo=UTC), time(6))


def test_format_round_trips():
    assert NIGHT.format() == "21:00-06:00"
    assert format_setting(NIGHT) == "21:00-06:00"
    assert format_setting(None) == "off"
    for value in (NIGHT, LUNCH, None, QuietHours(time(0, 5), time(23, 55))):
        assert parse(format_setting(value)) == value


@pytest.mark.parametrize(
    ("clock", "quiet"),
    [
        ((20, 59, 59), False),
        ((21, 0, 0), True),  # start inclusive
        ((23, 59, 59), True),
        ((0, 0, 0), True),
        ((5, 59, 59), True),
        ((6, 0, 0), False),  # end exclusive
        ((12, 0, 0), False),
    ],
)
def test_night_window_edges_in_jakarta(clock, quiet):
    moment = at(JAKARTA, 2026, 5, 4, *clock)
    assert NIGHT.is_quiet(moment, JAKARTA) is quiet
    # the same instant given in UTC is read on the owner's clock
    assert NIGHT.is_quiet(moment.astimezone(UTC), JAKARTA) is quiet


@pytest.mark.parametrize(
    ("clock", "quiet"),
    [((11, 59), False), ((12, 0), True), ((12, 59), True), ((13, 0), False), ((0, 30), False)],
)
def test_same_day_window_edges(clock, quiet):
    assert LUNCH.is_quiet(at(JAKARTA, 2026, 5, 4, *clock), JAKARTA) is quiet


def test_window_end_before_and_after_midnight():
    evening = at(JAKARTA, 2026, 5, 4, 21, 0)
    assert NIGHT.window_end(evening, JAKARTA) == at(JAKARTA, 2026, 5, 5, 6, 0)
    small_hours = at(JAKARTA, 2026, 5, 5, 3, 15).astimezone(UTC)
    end = NIGHT.window_end(small_hours, JAKARTA)
    assert end == at(JAKARTA, 2026, 5, 5, 6, 0)
    assert end.tzinfo is UTC
    assert LUNCH.window_end(at(JAKARTA, 2026, 5, 4, 12, 40), JAKARTA) == at(
        JAKARTA, 2026, 5, 4, 13, 0
    )


def test_window_end_of_a_moment_outside_is_the_moment():
    noon = at(JAKARTA, 2026, 5, 4, 12, 0)
    assert NIGHT.window_end(noon, JAKARTA) == noon
    assert NIGHT.window_end(noon, JAKARTA).tzinfo is UTC
    assert NIGHT.window_end(at(JAKARTA, 2026, 5, 4, 6, 0), JAKARTA) == at(JAKARTA, 2026, 5, 4, 6)


def test_naive_moments_are_refused():
    with pytest.raises(ValueError, match="naive"):
        NIGHT.is_quiet(datetime(2026, 5, 4, 22, 0), JAKARTA)  # noqa: DTZ001


def test_berlin_spring_forward_night_is_an_hour_shorter():
    # 29 Mar 2026: 02:00 CET jumps to 03:00 CEST. 21:00-06:00 lasts 8 real hours.
    start = at(BERLIN, 2026, 3, 28, 21, 0).astimezone(UTC)
    end = NIGHT.window_end(start, BERLIN)
    assert end == datetime(2026, 3, 29, 4, 0, tzinfo=UTC)  # 06:00 CEST
    assert end - start == timedelta(hours=8)


def test_berlin_end_inside_the_skipped_hour_is_the_jump():
    # quiet until 02:30 on the night 02:00-03:00 does not exist: it ends at the jump,
    # 01:00 UTC, the first moment the clock shows a time past 02:30
    window = QuietHours(time(22, 0), time(2, 30))
    end = window.window_end(at(BERLIN, 2026, 3, 28, 23, 0), BERLIN)
    assert end == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert end.astimezone(BERLIN).hour == 3
    assert (end - timedelta(seconds=1)).astimezone(BERLIN).hour == 1  # 01:59:59 CET
    assert not window.is_quiet(end, BERLIN)
    assert window.is_quiet(end - timedelta(seconds=1), BERLIN)


def test_berlin_fall_back_end_in_the_repeated_hour():
    # 25 Oct 2026: 03:00 CEST goes back to 02:00 CET; 02:30 happens twice. The wall clock
    # leaves the window at the first 02:30 and enters it again when it shows 02:00 again.
    window = QuietHours(time(22, 0), time(2, 30))
    first = window.window_end(at(BERLIN, 2026, 10, 24, 23, 0), BERLIN)
    assert first == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    again = at(BERLIN, 2026, 10, 25, 2, 10, fold=1)
    assert window.is_quiet(again, BERLIN)
    second = window.window_end(again, BERLIN)
    assert second == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # 02:30 CET


def test_berlin_fall_back_night_is_an_hour_longer():
    start = at(BERLIN, 2026, 10, 24, 21, 0).astimezone(UTC)
    assert NIGHT.window_end(start, BERLIN) - start == timedelta(hours=10)


WINDOWS = (
    st.tuples(
        st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 59])),
        st.builds(time, st.integers(0, 23), st.sampled_from([0, 30, 45])),
    )
    .filter(lambda pair: pair[0] != pair[1])
    .map(lambda pair: QuietHours(*pair))
)
MOMENTS = st.datetimes(
    min_value=datetime(2026, 1, 1),  # noqa: DTZ001
    max_value=datetime(2027, 1, 1),  # noqa: DTZ001
    timezones=st.just(UTC),
)


@settings(max_examples=300, deadline=None)
@given(window=WINDOWS, moment=MOMENTS, tz=st.sampled_from([BERLIN, JAKARTA]))
def test_window_end_is_the_first_moment_out_of_the_window(window, moment, tz):
    end = window.window_end(moment, tz)
    assert end >= moment
    assert not window.is_quiet(end, tz)
    if window.is_quiet(moment, tz):
        assert end - moment <= timedelta(hours=25)
        # quiet all the way: probe each minute up to the end
        probe = moment
        while probe < end - timedelta(seconds=1):
            assert window.is_quiet(probe, tz), probe
            probe = min(probe + timedelta(minutes=1), end - timedelta(seconds=1))
        assert window.is_quiet(end - timedelta(seconds=1), tz)
    else:
        assert end == moment
