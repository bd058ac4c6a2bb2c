"""Typing time grows with the text and stays under its cap; posts due on the minute start a
random bit later, never earlier; both are off at 0."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.humantiming import start_jitter, typing_seconds


class Fixed:
    """A random source that always answers the same fraction of the asked range."""

    def __init__(self, fraction: float) -> None:
        self.fraction = fraction
        self.asked: list[tuple[float, float]] = []

    def uniform(self, a: float, b: float) -> float:
        self.asked.append((a, b))
        return a + (b - a) * self.fraction


MIDDLE = Fixed(0.5)
DUE = datetime(2026, 5, 4, 1, 0, tzinfo=UTC)


def test_typing_grows_with_the_text():
    assert typing_seconds("", MIDDLE) == pytest.approx(1.0)
    assert typing_seconds("x" * 25, MIDDLE) == pytest.approx(2.0)
    assert typing_seconds("x" * 100, MIDDLE) == pytest.approx(5.0)
    assert typing_seconds("  hai  ", MIDDLE) == typing_seconds("hai", MIDDLE)


def test_typing_is_capped_even_at_the_top_of_the_spread():
    assert typing_seconds("x" * 5000, Fixed(1.0)) == 8.0
    assert typing_seconds("x" * 5000, Fixed(1.0), max_s=3.0) == 3.0
    assert typing_seconds("x" * 100, Fixed(1.0)) == pytest.approx(6.25)


def test_typing_spread_is_asked_around_the_plain_time():
    rng = Fixed(0.0)
    assert typing_seconds("x" * 100, rng, spread=0.2) == pytest.approx(4.0)
    assert rng.asked == [(0.8, 1.2)]


def test_typing_off_and_custom_speed():
    assert typing_seconds("x" * 100, MIDDLE, max_s=0) == 0.0
    assert typing_seconds("x" * 10, MIDDLE, base_s=0.5, per_char_s=0.1) == pytest.approx(1.5)


@settings(max_examples=200, deadline=None)
@given(short=st.text(max_size=300), extra=st.text(min_size=1, max_size=300), seed=st.integers())
def test_typing_longer_text_never_types_shorter_and_stays_in_bounds(short, extra, seed):
    longer = short.strip() + "x" + extra  # strictly more characters after stripping
    rng_a, rng_b = random.Random(seed), random.Random(seed)  # the same random draw for both
    a, b = typing_seconds(short, rng_a), typing_seconds(longer, rng_b)
    assert 0.75 <= a <= 8.0
    assert a <= b <= 8.0


def test_jitter_delays_a_post_due_on_the_minute():
    assert start_jitter(DUE, Fixed(0.0), 30) == DUE
    assert start_jitter(DUE, Fixed(1.0), 30) == DUE + timedelta(seconds=30)
    rng = Fixed(0.5)
    assert start_jitter(DUE, rng, 30) == DUE + timedelta(seconds=15)
    assert rng.asked == [(0.0, 30)]


def test_jitter_leaves_other_times_and_zero_alone():
    rng = Fixed(1.0)
    assert start_jitter(DUE + timedelta(seconds=7), rng, 30) == DUE + timedelta(seconds=7)
    assert start_jitter(DUE + timedelta(microseconds=1), rng, 30) == DUE + timedelta(microseconds=1)
    assert start_jitter(DUE, rng, 0) == DUE
    assert rng.asked == []


@settings(max_examples=100, deadline=None)
@given(minutes=st.integers(0, 10_000), seed=st.integers(), max_s=st.floats(0.1, 120))
def test_jitter_is_never_early_nor_beyond_its_bound(minutes, seed, max_s):
    due = DUE + timedelta(minutes=minutes)
    start = start_jitter(due, random.Random(seed), max_s)
    assert due <= start <= due + timedelta(seconds=max_s)
