"""Ending the process on time, even when a thread inside a library call will not end.

A WhatsApp Go call can stay blocked on a default-executor thread (goneonize main.go
`Neonize` in its QR loop, or whatsmeow dialling for ~14 s while it holds the socket lock);
Python joins those threads at exit (concurrent.futures' atexit hook), so a plain exit would
hang and PM2/systemd would never restart the bot. The process therefore runs its event loop
itself, exits without waiting for threads that are still busy once everything of ours is
closed, and arms a watchdog as soon as shutdown begins.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import threading
import time
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NoReturn, TypeVar

from loguru import logger

T = TypeVar("T")

# Shutdown (signal or transport end) to process exit, at most: under systemd's and PM2's
# default kill timeouts, and the 10 s README promises.
STOP_LIMIT_S = 9.0
# Worker threads for blocking calls (neonize runs every Go call through asyncio.to_thread).
WORKERS = 16
# How long finished work may take to leave its threads before they count as stuck.
THREAD_GRACE_S = 1.0


def hard_exit(code: int, why: str) -> NoReturn:
    """Leave now: everything durable is already committed (SQLite), the lock is the OS's."""
    logger.warning("{}; exiting without waiting (exit code {})", why, code)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


def arm_watchdog(code: int, limit_s: float = STOP_LIMIT_S) -> threading.Timer:
    """Exit hard if the process is still alive `limit_s` from now."""
    timer = threading.Timer(
        limit_s, hard_exit, args=(code, f"shutdown took longer than {limit_s:.0f} s")
    )
    timer.daemon = True
    timer.start()
    return timer


def run_loop(main: Coroutine[Any, Any, T], workers: int = WORKERS) -> T:
    """Like asyncio.run, but never waits for executor threads at the end."""
    loop = asyncio.new_event_loop()
    executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="jadwal-worker")
    loop.set_default_executor(executor)
    asyncio.set_event_loop(loop)
    try:
        return loop.run_until_complete(main)
    finally:
        leftovers = [t for t in asyncio.all_tasks(loop) if not t.done()]
        if leftovers:
            # Not cancelled: cancelling neonize's connect task runs Go `Stop` on this thread,
            # which can block (aioze/client.py `_connect_and_check`).
            logger.warning(
                "{} task(s) still running at exit: {}",
                len(leftovers),
                ", ".join(t.get_name() for t in leftovers),
            )
        else:
            loop.run_until_complete(loop.shutdown_asyncgens())
        executor.shutdown(wait=False, cancel_futures=True)
        asyncio.set_event_loop(None)
        if not leftovers:
            loop.close()


def busy_threads(grace_s: float = THREAD_GRACE_S) -> list[threading.Thread]:
    """Non-daemon threads (other than this one) still alive after `grace_s`."""
    others = [
        t
        for t in threading.enumerate()
        if t is not threading.current_thread() and not t.daemon and t.is_alive()
    ]
    deadline = time.monotonic() + grace_s
    for thread in others:
        thread.join(max(0.0, deadline - time.monotonic()))
    return [t for t in others if t.is_alive()]


def exit_if_threads_stuck(code: int) -> None:
    """Call last, after everything of ours is closed: exit now if a thread would hang it."""
    stuck = busy_threads()
    if stuck:
        hard_exit(
            code,
            f"{len(stuck)} thread(s) still inside library calls "
            f"({', '.join(t.name for t in stuck)})",
        )
