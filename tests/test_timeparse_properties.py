"""Properties of parse_schedule on phrases built from the grammar's own words and numbers.

Random text almost never looks like a time; lists of the words the grammar knows do, and
reach its corners (parts of the day, weekdays, zones, repeats, clocks glued to dates).
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.timefmt import format_local
from bot.timeparse import parse_schedule
from bot.timeparse.parse import MAX_AHEAD

WIB = ZoneInfo("Asia/Jakarta")
ZONES = [
    WIB,
    ZoneInfo("Asia/Makassar"),
    ZoneInfo("Asia/Jayapura"),
    ZoneInfo("Europe/Amsterdam"),
    ZoneInfo("Europe/Berlin"),
]

_WORDS = (
    "besok lusa nanti hari ini today tomorrow tonight jam pukul pkl. at @ pagi siang sore malam "
    "subuh dini petang morning evening night afternoon noon midnight tengah setengah lewat "
    "kurang seperempat senin selasa rabu kamis jumat jum'at sabtu minggu ahad monday sunday "
    "next this on depan dalam in lagi menit detik hours minutes pekan sejam from now tanggal "
    "tgl desember des jan feb mei may 25th setiap tiap every daily dan and , sampai - kerja "
    "akhir bulan wib wita wit utc pst am pm a.m. T Rapat Pagi Malam x "
    "2026-12-25 2027-02-30 25/12 31/02 12/25 29/02 25-12 25.12.2026 1/1/27 0 1 7 8 12 13 23 "
    "24 25 31 32 60 00 08:00 8.30 23:59 24:00 25:00 12:60 20:00 00:00 8am 12pm 13pm 08:00:30 "
    "+07:00 \U0001f600 \u017f \u0130 "
    "mlm malem bsk besuk jm dlm ntar nnti sorean pgi lg satu tujuh delapan sepuluh dua belas "
    "dua puluh 1,5 : - . akhir awal bulan ini mulai 02:30 2:30 jam: malam: 7. 15 30 menit: "
    "setengah8 kurang15"
)
WORDS = [*_WORDS.split(" "), "\n", "\t"]
_GRAMMAR = st.lists(st.sampled_from(WORDS), max_size=8)
PHRASES = st.one_of(_GRAMMAR.map(" ".join), _GRAMMAR.map("".join), st.text(max_size=30))
NOWS = st.datetimes(
    min_value=datetime(2020, 1, 1),  # noqa: DTZ001
    max_value=datetime(2040, 12, 31),  # noqa: DTZ001
    timezones=st.sampled_from([UTC, WIB]),
)


@settings(max_examples=300, deadline=None)
@given(phrase=PHRASES, now=NOWS, tz=st.sampled_from(ZONES))
@example(
    phrase="besok 08:00 Rapat minggu depan di aula",
    now=datetime(2026, 11, 21, 13, 0, tzinfo=UTC),
    tz=WIB,
)
@example(phrase="08:00,Rapat", now=datetime(2026, 11, 21, 13, 0, tzinfo=UTC), tz=WIB)
def test_never_raises_future_or_error_and_exact_split(
    phrase: str, now: datetime, tz: ZoneInfo
) -> None:
    result = parse_schedule(phrase, now, tz)
    assert (result.when is None) == (result.error is not None)
    assert result.ok == (result.when is not None)
    stripped = phrase.lstrip()
    if result.when is None:
        assert result.repeat is None
        if result.suggestion is not None:  # a proposal is ahead, and shown in the reply
            assert result.suggestion > now
            assert result.error is not None
            assert format_local(result.suggestion, tz) in result.error
            # what "ya" accepts: the moment (a rule's first one) and the post text
            assert stripped == result.expression + stripped[len(result.expression) :]
            assert result.text == stripped[len(result.expression) :].lstrip()
            if result.rule is not None:
                assert result.rule.next_after(now, tz) == result.suggestion
        else:  # no question without the reading it asks about
            assert result.rule is None
            assert result.error is None or "Maksudnya" not in result.error
        return
    assert result.suggestion is None
    assert result.when.tzinfo is not None
    assert result.when > now, "a parsed moment is in the future"
    assert result.when - now <= MAX_AHEAD
    # The text is exactly the input minus the time expression and the white space after it.
    expression = result.expression
    assert expression and stripped.startswith(expression)
    assert result.text == stripped[len(expression) :].lstrip()
    assert expression == expression.rstrip()
    assert len(expression) == len(stripped) or stripped[len(expression)].isspace()
    # The expression alone, with any post after it, names the same moment.
    again = parse_schedule(expression + " Rapat di aula", now, tz)
    assert again.when == result.when, (expression, again.error)
    assert again.text == "Rapat di aula"
    assert again.repeat == result.repeat


@settings(max_examples=150, deadline=None)
@given(words=_GRAMMAR, now=NOWS)
def test_a_repeat_rule_and_its_first_time_agree(words: list[str], now: datetime) -> None:
    result = parse_schedule("setiap " + " ".join(words), now, WIB)
    if not result.ok:
        assert result.repeat is None
        return
    assert result.rule is not None, "a repeat read as a one-off"
    assert result.when is not None and result.repeat == result.rule.describe(WIB)
    assert result.when == result.rule.next_after(now, WIB)
    if result.rule.every_minutes is not None:
        assert result.rule.every_minutes >= 15
        return
    local = result.when.astimezone(result.rule.zone_in(WIB))
    assert (local.hour, local.minute, local.second) == (result.rule.hour, result.rule.minute, 0)
