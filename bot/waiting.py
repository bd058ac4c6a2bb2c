"""Bounded waits measured with an injected sleep (a virtual clock in tests) that never cancel
what they wait for: cancelling neonize's connect task would run Go `Stop` on the event loop
thread (aioze/client.py `_connect_and_check`). The scheduler and the notice sender wait on an
event the same way."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

Sleep = Callable[[float], Awaitable[None]]


async def all_done(sleep: Sleep, limit: float, *futures: asyncio.Future[Any]) -> bool:
    """Wait until every future is done, at most `limit` seconds; True when they all are."""
    timer = asyncio.ensure_future(sleep(limit))
    pending = set(futures)
    try:
        while pending:
            done, _ = await asyncio.wait(pending | {timer}, return_when=asyncio.FIRST_COMPLETED)
            pending -= done
            if timer in done:
                return not pending
        return True
    finally:
        timer.cancel()


async def any_done(sleep: Sleep, limit: float, *futures: asyncio.Future[Any]) -> bool:
    """Wait until one future is done, at most `limit` seconds; True when one is."""
    timer = asyncio.ensure_future(sleep(limit))
    try:
        await asyncio.wait({timer, *futures}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        timer.cancel()
    return any(f.done() for f in futures)


async def event_or_timeout(sleep: Sleep, limit: float, event: asyncio.Event) -> bool:
    """Wait until `event` is set, at most `limit` seconds; True when it is."""
    if event.is_set():
        return True
    waiter = asyncio.ensure_future(event.wait())
    try:
        return await any_done(sleep, limit, waiter)
    finally:
        waiter.cancel()
