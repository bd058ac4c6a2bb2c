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
    try:
        partial.write_text(
            json.dumps(
                {
                    "at": now.isoformat(),
                    "pid": os.getpid(),
                    "connected": connection.connected,
                    "state": connection.description,
                },
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
        partial.replace(path)
    except OSError:
        partial.unlink(missing_ok=True)  # a full disk would otherwise keep a half-written one
        raise


async def heartbeat(
    path: Path, connection: Callable[[], ConnectionState], interval_s: float = INTERVAL_S
) -> None:
    """Refresh `path` every `interval_s`; a stalled event loop stops refreshing it.

    A write that fails (disk full) is logged once, in one line, and so is the first write
    that works again: not a traceback every `interval_s`."""
    failures = 0  # failed writes in a row
    while True:
        try:
            await asyncio.to_thread(write_heartbeat, path, connection(), datetime.now(UTC))
        except OSError as exc:
            failures += 1
            if failures == 1:
                logger.warning(
                    "cannot write the heartbeat file {} ({}); `python -m bot health` "
                    "reports the bot stopped once the last one is {:.0f} s old; "
                    "trying again every {:.0f} s",
                    path,
                    exc.strerror or exc,
                    MAX_AGE.total_seconds(),
                    interval_s,
                )
        else:
            if failures:
                logger.info(
                    "the heartbeat file {} is written again (after {} failed writes)",
                    path,
                    failures,
                )
            failures = 0
        await asyncio.sleep(interval_s)


def check(path: Path, now: datetime, max_age: timedelta = MAX_AGE) -> str | None:
    """None when healthy (fresh and connected), else the reason in one line."""
    return examine(path, now, max_age)[0]


def examine(
    path: Path, now: datetime, max_age: timedelta = MAX_AGE
) -> tuple[str | None, timedelta | None]:
    """What `check` says, and the heartbeat's age (None when there is none to read)."""
    try:
        beat = json.loads(path.read_text(encoding="utf-8"))
        at = datetime.fromisoformat(beat["at"])
    except FileNotFoundError:
        return f"no heartbeat at {path}: the bot is not running (or never started)", None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return f"unreadable heartbeat {path}: {exc}", None
    age = now - at
    if age > max_age:
        return (
            f"heartbeat is {age.total_seconds():.0f} s old (pid {beat.get('pid')}): "
            "the bot is stopped or stuck"
        ), age
    if not beat.get("connected"):
        return f"not connected: {beat.get('state')}", age
    return None, age
