"""The process and resource benchmarks run end to end at tiny sizes (figures not judged)."""

from __future__ import annotations

import pytest

from bench import capsburst, resources, startup
from bench.procs import can_unshare

KEYS = {"figure", "unit", "n", "median", "p99", "max"}
needs_unshare = pytest.mark.skipif(
    not can_unshare(), reason="needs `unshare -n` (root or user namespaces)"
)


def _check(rows: list[dict[str, object]], count: int) -> None:
    assert len(rows) == count
    for row in rows:
        assert set(row) == KEYS, row


def test_start_to_ready() -> None:
    rows = startup.run(pending=300, runs=1, whatsapp=can_unshare())
    _check(rows, 3 if can_unshare() else 2)
    assert all(0 < float(str(row["median"])) < 30_000 for row in rows)


async def test_rss_over_deliveries() -> None:
    _check(await resources.delivery_rss(posts=200, warmup=50, batch=100), 1)


def test_idle_cpu() -> None:
    _check(resources.idle_cpu(window_s=1, pending=100, settle_s=1), 2 if can_unshare() else 1)


async def test_caps_burst_and_replies_while_held() -> None:
    # 40 posts at 5 a minute: the last ones go out more than 5 min late, so the late-posts
    # summary (and its row) comes too.
    rows = await capsburst.run(posts=40, pending=100, rounds=5)
    _check(rows, 9)
    assert rows[1]["max"] == 0  # none lost


@needs_unshare
def test_failed_attempts_keep_fds_flat() -> None:
    rows = resources.failed_attempts(attempts=20, early=5)
    _check(rows, 2)
    assert rows[0]["max"] == 0  # the probe fails first: no neonize connect, no leak


@needs_unshare
def test_failed_connects_end_in_a_restart() -> None:
    rows = resources.connect_leak(connects=12)
    _check(rows, 2)
    assert "exit code 75 (RESTART)" in str(rows[0]["figure"])


@needs_unshare
def test_idle_rss_of_bot_run() -> None:
    _check(resources.idle_rss_run(settle_s=2), 1)
