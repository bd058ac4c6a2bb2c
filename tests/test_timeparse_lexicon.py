"""The word tables drive the grammar: every word in bot/timeparse/lexicon.py is read with its
meaning, so adding a spelling or an abbreviation ("mlm", "bsk", "jm") is one line there."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.timeparse import lexicon as lx
from bot.timeparse import parse_schedule
from bot.timeparse.patterns import NUMBERS

WIB = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 11, 22, 9, 44, tzinfo=WIB)  # Sunday
TODAY_10 = NOW.replace(hour=10, minute=0)
# A clock that fits each part of the day, and the 24-hour time it means there.
PART_CLOCK = {
    "pagi": (7, 7),
    "subuh": (5, 5),
    "dini hari": (2, 2),
    "siang": (1, 13),
    "sore": (4, 16),
    "malam": (7, 19),
}


def read(phrase: str) -> datetime:
    result = parse_schedule(phrase, NOW, WIB)
    assert result.error is None, (phrase, result.error)
    assert result.text == "Rapat", phrase
    assert result.when is not None
    return result.when


@pytest.mark.parametrize("word", sorted(lx.PART_WORDS))
def test_parts_of_the_day(word: str) -> None:
    hour, expected = PART_CLOCK[lx.PART_WORDS[word]]
    assert read(f"besok jam {hour} {word} Rapat") == TODAY_10.replace(hour=expected) + timedelta(
        days=1
    )


@pytest.mark.parametrize("word", sorted(lx.DAY_WORDS))
def test_day_words(word: str) -> None:
    assert read(f"{word} 10:00 Rapat") == TODAY_10 + timedelta(days=lx.DAY_WORDS[word])


@pytest.mark.parametrize("word", lx.LATER_TODAY_WORDS)
def test_later_today_words(word: str) -> None:
    assert read(f"{word} 10:00 Rapat") == TODAY_10


@pytest.mark.parametrize("word", lx.CLOCK_PREFIXES)
def test_clock_prefixes(word: str) -> None:
    assert read(f"besok {word} 10 pagi Rapat") == TODAY_10 + timedelta(days=1)


@pytest.mark.parametrize("word", lx.DURATION_BEFORE)
def test_words_before_a_duration(word: str) -> None:
    assert read(f"{word} 2 jam Rapat") == NOW + timedelta(hours=2)


@pytest.mark.parametrize("word", lx.DURATION_AFTER)
def test_words_after_a_duration(word: str) -> None:
    assert read(f"2 jam {word} Rapat") == NOW + timedelta(hours=2)


@pytest.mark.parametrize("word", sorted(lx.UNITS))
def test_units(word: str) -> None:
    assert read(f"dalam 3 {word} Rapat") == NOW + timedelta(seconds=3 * lx.UNITS[word])


@pytest.mark.parametrize("word", sorted(lx.ONE_WORD_AMOUNTS))
def test_one_word_amounts(word: str) -> None:
    assert read(f"{word} lagi Rapat") == NOW + timedelta(seconds=lx.ONE_WORD_AMOUNTS[word])


def test_number_words_from_one_to_ninety_nine() -> None:
    assert set(range(1, 100)) <= set(NUMBERS.values())
    for word, value in NUMBERS.items():
        assert read(f"dalam {word} menit Rapat") == NOW + timedelta(minutes=value), word


@pytest.mark.parametrize("word", sorted(lx.WEEKDAYS))
def test_weekdays(word: str) -> None:
    when = read(f"{word} 10:00 Rapat")
    assert when.weekday() == lx.WEEKDAYS[word] and when.time() == TODAY_10.time()


@pytest.mark.parametrize("word", sorted(lx.MONTHS))
def test_months(word: str) -> None:
    when = read(f"25 {word} 2027 10:00 Rapat")
    assert (when.day, when.month, when.year) == (25, lx.MONTHS[word], 2027)


@pytest.mark.parametrize("word", lx.EVE_WORDS)
def test_eve_words(word: str) -> None:
    assert read(f"{word} minggu jam 8 Rapat") == datetime(2026, 11, 28, 20, tzinfo=WIB)


@pytest.mark.parametrize("word", sorted(lx.PAST_TO_WORDS))
def test_past_and_to(word: str) -> None:
    minutes = 10 * lx.PAST_TO_WORDS[word]
    assert read(f"besok jam 8 {word} 10 pagi Rapat") == TODAY_10.replace(hour=8) + timedelta(
        days=1, minutes=minutes
    )


@pytest.mark.parametrize("word", sorted(lx.ZONES))
def test_zone_words(word: str) -> None:
    zone = ZoneInfo(lx.ZONES[word])
    expected = datetime(2026, 11, 23, 10, tzinfo=zone)
    assert read(f"besok 10:00 {word} Rapat") == expected


@pytest.mark.parametrize("word", [*lx.EVERY_WORDS, *lx.DAILY_WORDS])
def test_every_words(word: str) -> None:
    phrase = f"{word} 10:00 Rapat" if word in lx.DAILY_WORDS else f"{word} hari 10:00 Rapat"
    result = parse_schedule(phrase, NOW, WIB)
    assert result.repeat == "setiap hari 10:00" and result.when == TODAY_10
