"""bench/parse.py measures what its labels say."""

from __future__ import annotations

import pytest

from bench import parse as bench
from bot.timeparse import fallback as timefallback
from bot.timeparse import parse_schedule


def test_phrases_take_the_path_they_are_counted_under(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    real = timefallback._parse

    def spy(text: str, *args: object) -> object:
        asked.append(text)
        return real(text, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(timefallback, "_parse", spy)
    for phrase in bench.GRAMMAR_PHRASES:
        parse_schedule(phrase, bench.NOW, bench.WIB)
    assert asked == []  # dateparser is never asked
    assert len(set(bench.GRAMMAR_PHRASES)) == len(bench.GRAMMAR_PHRASES) >= 90
    for phrase in bench.FALLBACK_READ:
        assert parse_schedule(phrase, bench.NOW, bench.WIB).ok, phrase
    assert asked
    for phrase in bench.FALLBACK_REFUSED:
        assert not parse_schedule(phrase, bench.NOW, bench.WIB).ok, phrase


def test_run_reports_rows_like_the_other_benchmarks() -> None:
    rows = bench.run(rounds=1)
    assert len(rows) == 4
    for row in rows:
        assert set(row) == {"figure", "unit", "n", "median", "p99", "max"}
        assert row["unit"] == "ms"
