"""A heartbeat file refreshed while the event loop is healthy, and the check that reads it."""

from __future__ import annotations

import asyncio
import json
import os
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from loguru import logger

from bot.transport.base import ConnectionState

HEARTBEAT_FILE = "heartbeat.json"
INTERVAL_S = 10.0
MAX_AGE = timedelta(seconds=60)


def write_heartbeat(path: Path, connection: ConnectionState, now: datetime) -> None:
    # One temp file per thread: a write still running in a worker thread when the bot stops
    # must not race the final write for the same temp name.
    partial = path.with_suffix(f".{threading.get_ident()}.part")
    partial.write_text(json.dumps({
        "at": now.isoformat(), "pid": os.getpid(), "connected": connection.connected,
        "state": connection.description,
    }, ensure_ascii=False), encoding="utf-8")
    partial.replace(path)


async def heartbeat(path: Path, connection: Callable[[], ConnectionState],
                    interval_s: float = INTERVAL_S) -> None:
    """Refresh `path` every `interval_s`; a stalled event loop stops refreshing it."""
    while True:
        try:
            await asyncio.to_thread(write_heartbeat, path, connection(), datetime.now(UTC))
        except OSError:
            logger.exception("could not write the heartbeat file {}", path)
        await asyncio.sleep(interval_s)


def check(path: Path, now: datetime, max_age: timedelta = MAX_AGE) -> str | None:
    """None when healthy (fresh and connected), else the reason in one line."""
    try:
        beat = json.loads(path.read_text(encoding="utf-8"))
        at = datetime.fromisoformat(beat["at"])
    except FileNotFoundError:
        return f"no heartbeat at {path}: the bot is not running (or never started)"
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return f"unreadable heartbeat {path}: {exc}"
    age = now - at
    if age > max_age:
        return (f"heartbeat is {age.total_seconds():.0f} s old (pid {beat.get('pid')}): "
                "the bot is stopped or stuck")
    if not beat.get("connected"):
        return f"not connected: {beat.get('state')}"
    return None
