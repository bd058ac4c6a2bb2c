"""Faults of the bot's own machinery (a scheduler pass, a database write) and how they are
retried: one policy for every such retry.

A fault is logged, kept as the last error (/status) and told to the owner once per kind while
it lasts, with what to do about it; its recovery is told once too, and only when the kind of
operation that failed has worked again (see Faults.recovered). A write whose outcome is
already known (a post was delivered) is retried until it lands: never dropped, never redone.
"""

from __future__ import annotations

import asyncio
import enum
import sqlite3
from collections.abc import Awaitable, Callable
from typing import TypeVar

from loguru import logger

from bot import messages as m
from bot.dbfaults import storage_fault
from bot.pacing import Nap

Notify = Callable[[str], Awaitable[object]]
T = TypeVar("T")

FIRST_RETRY_S = 1.0
MAX_RETRY_S = 30.0  # also how long a recovered disk may wait before posts move again


class FaultKind(enum.StrEnum):
    STORAGE = "storage"  # the database or the disk under it: over when a write lands
    SCHEDULER = "scheduler"  # anything else that broke a scheduler pass: over when one passes


class Abandoned(Exception):
    """A shutdown came while a write was still being retried; it was never written."""


def retry_delay(failures: int) -> float:
    """Seconds before the next try after `failures` failures in a row: 1, 2, 4, ... 30."""
    return min(MAX_RETRY_S, FIRST_RETRY_S * 2 ** max(failures - 1, 0))


def kind_of(error: BaseException) -> FaultKind:
    return FaultKind.STORAGE if isinstance(error, sqlite3.Error | OSError) else FaultKind.SCHEDULER


def describe(error: BaseException) -> str:
    """The error in a few words the owner can act on (disk full, database locked, damaged,
    read-only ...: bot.dbfaults' reading of it); never the raw message of a library."""
    fault = storage_fault(error)
    return (
        m.STORAGE_ERRORS[fault] if fault else m.UNEXPECTED_ERROR.format(name=type(error).__name__)
    )


def advice(error: BaseException) -> str:
    """What the owner can do about `error` (one sentence with a leading space), or ""."""
    fault = storage_fault(error)
    return m.FAULT_HINTS[fault] if fault else ""


async def keep_last_error(record_error: Notify | None, error: BaseException) -> None:
    """Keep `error` as the last error (/status); a failure to keep it is logged, not raised."""
    if record_error is None:
        return
    try:
        await record_error(m.FAULT_LAST_ERROR[kind_of(error)].format(error=describe(error)))
    except Exception:
        logger.exception("could not keep the last error")


class Faults:
    def __init__(
        self,
        notify: Notify | None = None,
        record_error: Notify | None = None,
        send_now: Notify | None = None,
    ) -> None:
        """`notify` queues a notice durably (it needs the database); `send_now` sends one at
        once, for when the database cannot take it; `record_error` keeps the last error."""
        self._notify = notify
        self._record_error = record_error
        self._send_now = send_now
        self._failures: dict[FaultKind, int] = {}  # kinds failing now: failures in a row
        self._untold: list[str] = []  # notices nothing could take yet; tried again later
        self._telling = asyncio.Lock()  # one hand-over at a time: each notice goes once
        self.recoveries = 0  # how many faults have ended so far

    async def failed(self, what: str, error: BaseException, retry_in: float) -> None:
        """`what` failed with `error` and is tried again in `retry_in` seconds."""
        kind = kind_of(error)
        count = self._failures.get(kind, 0) + 1
        self._failures[kind] = count
        if count == 1:
            logger.opt(exception=error).error(
                "{} failed ({}: {}); retrying in {:.0f} s, the owner is told once",
                what,
                type(error).__name__,
                error,
                retry_in,
            )
            await keep_last_error(self._record_error, error)
            self._untold.append(
                m.FAULT_NOTICE.format(
                    what=m.FAULT_NAMES[kind], error=describe(error), hint=advice(error)
                )
            )
        else:
            logger.warning(
                "{} still failing ({} in a row: {}: {}); retrying in {:.0f} s",
                what,
                count,
                type(error).__name__,
                error,
                retry_in,
            )
        await self._tell()

    async def recovered(self, kind: FaultKind) -> None:
        """Operations of `kind` work again; told once, if `kind` was failing.

        Call it only after such an operation succeeded: STORAGE after a write landed (a pass
        that only read proves nothing about a full disk), SCHEDULER after a whole pass."""
        count = self._failures.pop(kind, 0)
        if not count:
            return
        self.recoveries += 1
        logger.info("{} works again after {} failure(s)", kind, count)
        self._untold.append(m.FAULT_RECOVERED.format(what=m.FAULT_NAMES[kind]))
        await self._tell()

    async def until_written(self, what: str, write: Callable[[], Awaitable[T]], nap: Nap) -> T:
        """Run `write` until it succeeds, waiting retry_delay() between tries.

        Raises Abandoned when a shutdown cuts a wait short: the write never happened."""
        failures = 0
        kind = FaultKind.STORAGE
        while True:
            try:
                result = await write()
            except Exception as exc:
                failures += 1
                kind = kind_of(exc)
                delay = retry_delay(failures)
                await self.failed(what, exc, delay)
                if not await nap(delay):
                    logger.warning("shutdown: {} was never written", what)
                    raise Abandoned(what) from exc
                continue
            if failures:
                await self.recovered(kind)
            return result

    async def _tell(self) -> None:
        """Hand every untold notice over: durably if the database takes it, else at once;
        what neither takes waits for the next fault or recovery."""
        async with self._telling:
            while self._untold:
                if not await self._hand_over(self._untold[0]):
                    return
                self._untold.pop(0)

    async def _hand_over(self, text: str) -> bool:
        for way in (self._notify, self._send_now):
            if way is None:
                continue
            try:
                await way(text)
            except Exception as exc:
                logger.warning(
                    "notice to the owner not handed over yet ({}: {})", type(exc).__name__, exc
                )
                continue
            return True
        if self._notify is None and self._send_now is None:
            logger.warning("nobody to tell: {}", text)
            return True
        return False
