"""bench/api.py end to end at a tiny size (the figures are not judged, only their shape)."""

from __future__ import annotations

from bench import api

KEYS = {"figure", "unit", "n", "median", "p99", "max"}


async def test_api_bench_rows() -> None:
    rows = await api.run(pending=200, requests=20, rss_runs=1, settle_s=0.5, run_rss=False)
    assert [row["unit"] for row in rows] == ["ms", "req/s", "ms", "req/s", "MB"]
    for row in rows:
        assert set(row) == KEYS, row
    assert [row["n"] for row in rows] == [20, 1, 20, 1, 1]
    assert all(float(str(row["median"])) > 0 for row in rows[:4])
    assert "200 pending" in str(rows[0]["figure"])
