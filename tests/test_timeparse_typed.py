"""parse_schedule(..., typed_at=...): a phrase read as of when the owner typed it, judged
against the clock; and the package loads its grammar only when a phrase is read."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot import messages as m
from bot.timeparse import parse_schedule

WIB = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 11, 21, 20, 0, tzinfo=WIB)  # Saturday evening


def wib(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=WIB)


def test_relative_time_counts_from_when_it_was_typed() -> None:
    result = parse_schedule("dalam 1 jam Rapat", NOW, WIB, typed_at=NOW - timedelta(minutes=30))
    assert (result.when, result.text, result.error) == (wib(21, 20, 30), "Rapat", None)


@pytest.mark.parametrize(
    "phrase",
    [
        "dalam 1 jam Rapat",
        "besok 08:00 Rapat",
        "setiap hari 19:00 Doa",
        "25:00 Rapat",
        "halo",
    ],
)
def test_typed_now_reads_as_without_it(phrase: str) -> None:
    assert parse_schedule(phrase, NOW, WIB, typed_at=NOW) == parse_schedule(phrase, NOW, WIB)


def test_right_when_typed_but_past_now_proposes_what_it_means_now() -> None:
    result = parse_schedule("dalam 1 jam Rapat", NOW, WIB, typed_at=NOW - timedelta(hours=3))
    assert result.when is None
    assert result.error == (
        m.TIME_PAST.format(when="Sabtu, 21 Nov 2026 18:00 WIB")
        + m.TIME_SUGGEST.format(when="Sabtu, 21 Nov 2026 21:00 WIB")
    )
    assert result.suggestion == wib(21, 21)
    assert (result.text, result.expression) == ("Rapat", "dalam 1 jam")


def test_past_either_way_keeps_the_text_told_apart_when_typed() -> None:
    # typed at 17:00 for 18:00 today; read now, the usual "today is past" proposal
    result = parse_schedule("hari ini 18:00 Rapat", NOW, WIB, typed_at=NOW - timedelta(hours=3))
    assert result.when is None
    assert result.error == m.TIME_PAST_TODAY.format(
        hhmm="18:00", when="Minggu, 22 Nov 2026 18:00 WIB"
    )
    assert (result.text, result.expression, result.suggestion) == (
        "Rapat",
        "hari ini 18:00",
        wib(22, 18),
    )


def test_a_repeating_rule_typed_late_starts_at_its_next_occurrence() -> None:
    result = parse_schedule("setiap hari 19:00 Doa", NOW, WIB, typed_at=NOW - timedelta(hours=2))
    assert result.error is None and result.rule is not None
    assert result.when == wib(22, 19)


def test_now_must_be_timezone_aware() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        parse_schedule("besok 08:00 x", NOW.replace(tzinfo=None), WIB, typed_at=NOW)
    with pytest.raises(ValueError, match="timezone-aware"):
        parse_schedule("besok 08:00 x", NOW, WIB, typed_at=NOW.replace(tzinfo=None))


def test_the_bot_starts_without_loading_the_grammar() -> None:
    code = (
        "import sys, bot.runner, handlers; "
        "print(sorted(n for n in sys.modules if n.startswith(('bot.timeparse.', "
        "'dateparser'))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "['bot.timeparse.result']"
