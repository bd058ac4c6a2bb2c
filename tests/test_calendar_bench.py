"""The /kalender benchmark runs end to end at a tiny size (figures not judged)."""

from __future__ import annotations

from bench import calendarreply


async def test_calendar_reply_bench_runs() -> None:
    rows = await calendarreply.run(pending=60, rounds=2)
    figures = [str(row["figure"]) for row in rows]
    assert figures[0] == "reply time /kalender (image), 60 pending"
    assert figures[1] == "/kalender month query alone, 60 pending"
    assert figures[2].startswith("/kalender PNG drawing alone (") and figures[2].endswith(" kB)")
    for row in rows:
        assert row["n"] == 2 and row["unit"] == "ms"
        assert 0 < float(str(row["median"])) <= float(str(row["max"])) < 30_000
