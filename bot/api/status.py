"""GET /health (what `python -m bot health` says, over HTTP) and GET /metrics (Prometheus'
text format 0.0.4, written here: https://prometheus.io/docs/instrumenting/exposition_formats/)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from aiohttp import web

from bot import messages as m
from bot.api.deps import deps
from bot.health import examine
from bot.models import PostStatus

METRICS_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def read_heartbeat(path: Path) -> tuple[str | None, float | None]:
    """What `python -m bot health` finds wrong (None: running and connected), and the age of
    the heartbeat in seconds (None when there is none to read). Read on the event loop: a
    file of a hundred bytes, and a check that must not wait for a worker thread (when the
    default executor's threads are all taken, a health check is what should still answer)."""
    problem, age = examine(path, datetime.now(UTC))
    return problem, round(age.total_seconds(), 3) if age is not None else None


async def health(request: web.Request) -> web.Response:
    """200 when the bot runs, its heartbeat is fresh and it is connected; 503 otherwise."""
    d = deps(request)
    problem, age = read_heartbeat(d.heartbeat)
    running = d.running()
    connection = d.services.connection()
    counts: dict[PostStatus, int] = {}
    if running:
        try:
            counts = await d.services.store.counts()
        except sqlite3.Error as exc:  # unhealthy, and said so, rather than a 500
            problem = f"database: {exc}"
    ok = running and problem is None and connection.connected
    return web.json_response(
        {
            "ok": ok,
            "running": running,
            "connected": connection.connected,
            "connection": connection.description,
            "heartbeat_age_s": age,
            "problem": problem if running else m.API_NOT_RUNNING,
            "queue": {status.value: n for status, n in counts.items()},
        },
        status=200 if ok else 503,
    )


async def metrics(request: web.Request) -> web.Response:
    d = deps(request)
    store = d.services.store
    connection = d.services.connection()
    _, age = read_heartbeat(d.heartbeat)
    late = await store.lateness()
    buckets = [(f"{bound:g}", n) for bound, n in late.buckets] + [("+Inf", late.count)]
    lines = [
        *_family("jadwal_up", "gauge", "1 while the bot runs", [("", int(d.running()))]),
        *_family(
            "jadwal_connected",
            "gauge",
            "1 while WhatsApp is connected",
            [("", int(connection.connected))],
        ),
        *_family(
            "jadwal_connection_drops_total",
            "counter",
            "established connections lost since the bot started",
            [("", connection.drops_total)],
        ),
        *_family(
            "jadwal_heartbeat_age_seconds",
            "gauge",
            "age of the heartbeat file",
            [("", age)] if age is not None else [],
        ),
        *_family("jadwal_posts", "gauge", "posts by state", _by_state(await store.counts())),
        *_family(
            "jadwal_deliveries",
            "gauge",
            "sends to one group each, by state",
            _by_state(await store.deliveries_by_state()),
        ),
        *_family(
            "jadwal_delivery_failures_total",
            "counter",
            "sends to a group that ended failed, missed or uncertain",
            _by_state(await store.failures()),
        ),
        *_family(
            "jadwal_delivery_lateness_seconds",
            "histogram",
            "seconds from a post's due time to its send to each group",
            [
                *((f'_bucket{{le="{le}"}}', n) for le, n in buckets),
                ("_sum", round(late.total_s, 3)),
                ("_count", late.count),
            ],
        ),
    ]
    return web.Response(
        body=("\n".join(lines) + "\n").encode(), headers={"Content-Type": METRICS_TYPE}
    )


def _by_state(counts: dict[PostStatus, int]) -> list[tuple[str, float]]:
    return [(f'{{state="{status.value}"}}', n) for status, n in counts.items()]


def _family(
    name: str, kind: str, help_text: str, samples: Iterable[tuple[str, float]]
) -> list[str]:
    """One metric: its HELP and TYPE lines, then a line per sample (`suffix` is the labels,
    or a histogram's _bucket{...}, _sum, _count)."""
    return [
        f"# HELP {name} {help_text}",
        f"# TYPE {name} {kind}",
        *(f"{name}{suffix} {_number(value)}" for suffix, value in samples),
    ]


def _number(value: float) -> str:
    """A count as digits (":g" would write 1234567 as 1.23457e+06), a float as Python's repr,
    which Prometheus' parser reads (Go's strconv.ParseFloat)."""
    return str(value) if isinstance(value, int) else repr(float(value))
