"""Notices to the owner, sent in order from the database queue (App.notify_owner fills it).

A notice is sent, then marked sent. When the mark cannot be written (the disk is full) the
notice has still gone out: it is remembered here as delivered and never sent again by this
process; only its mark is retried, with bot.faults' backoff (1, 2, 4 ... 30 s). The fault is
logged once (then a warning per retry), kept as the last error (/status), and its end is
logged. The owner is not sent a notice about it: the notice itself arrived, and a fault that
delays posts is told by the scheduler's bot.faults.Faults. A notice delivered but still
unmarked when the bot stops is sent again by the next start: told twice, never not at all.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime

from loguru import logger

from bot.faults import keep_last_error, retry_delay
from bot.restriction import classify
from bot.sendgate import SendGate
from bot.store import Store
from bot.transport.base import Transport
from bot.waiting import event_or_timeout

Sleep = Callable[[float], Awaitable[None]]
RecordError = Callable[[str], Awaitable[None]]


class NoticeSender:
    def __init__(
        self,
        store: Store,
        transport: Transport,
        clock: Callable[[], datetime],
        record_error: RecordError | None = None,
        poll_s: float = 5.0,
        sleep: Sleep = asyncio.sleep,
        gate: SendGate | None = None,
    ) -> None:
        """`poll_s`: how often a notice that could not be sent (no connection, a failed
        send) is tried again; a new notice wakes the sender at once (`wake`). `gate`: the
        send caps count notices too, and hold them when full (bot.sendgate)."""
        self._gate = gate
        self._store = store
        self._transport = transport
        self._clock = clock
        self._record_error = record_error
        self._poll_s = poll_s
        self._sleep = sleep
        self._due = asyncio.Event()
        self._delivered: dict[int, datetime] = {}  # sent, mark not written yet: id -> sent at
        self._mark_failures = 0  # failed marks in a row

    def wake(self) -> None:
        self._due.set()

    async def run(self) -> None:
        while True:
            self._due.clear()  # a notice queued during the pass wakes the next one at once
            # the pause, or less if a notice is queued meanwhile
            await event_or_timeout(self._sleep, await self.send_queued(), self._due)

    async def send_queued(self) -> float:
        """One pass over the queue; returns the seconds until the next pass."""
        if not self._transport.connection().connected:
            return self._poll_s
        try:
            queued = await self._store.unsent_notices()
        except Exception as exc:
            logger.warning(
                "queued notices cannot be read yet ({}: {}); will retry", type(exc).__name__, exc
            )
            return self._poll_s
        ids = {notice_id for notice_id, _ in queued}
        self._delivered = {i: at for i, at in self._delivered.items() if i in ids}
        marking = True
        for notice_id, text in queued:
            if notice_id not in self._delivered:
                if self._gate is not None and (hold := self._gate.hold_for_notice(self._clock())):
                    logger.info("notice #{} waits for the send caps", notice_id)
                    return max(0.1, (hold.until - self._clock()).total_seconds())
                try:
                    await self._transport.send_text(self._transport.owner_chat(), text)
                except Exception as exc:
                    logger.warning("notice to the owner not sent yet ({}); will retry", exc)
                    if self._gate is not None and classify(exc) is not None:
                        # A 429 or 463 here pauses the posts too. Other failures of a notice,
                        # retried every few seconds, do not count toward a burst.
                        await self._gate.send_failed(self._clock(), exc)
                    break
                self._delivered[notice_id] = self._clock()
                if self._gate is not None:
                    self._gate.sent(self._delivered[notice_id])
            if marking:  # after one failed mark the rest wait for the next try
                marking = await self._mark(notice_id)
        return self._poll_s if marking else retry_delay(self._mark_failures)

    async def mark_delivered(self) -> None:
        """Once more, at shutdown: write the marks still owed; say which could not be."""
        for notice_id, sent_at in list(self._delivered.items()):
            try:
                await self._store.notice_sent(notice_id, sent_at)
            except Exception as exc:
                logger.warning(
                    "notice #{} was delivered but cannot be marked sent ({}: {}); "
                    "the next start sends it again",
                    notice_id,
                    type(exc).__name__,
                    exc,
                )
                continue
            del self._delivered[notice_id]

    async def _mark(self, notice_id: int) -> bool:
        try:
            await self._store.notice_sent(notice_id, self._delivered[notice_id])
        except Exception as exc:
            await self._mark_failed(notice_id, exc)
            return False
        del self._delivered[notice_id]
        if self._mark_failures:
            logger.info(
                "notice #{} marked sent: the database takes writes again (after {} failed tries)",
                notice_id,
                self._mark_failures,
            )
            self._mark_failures = 0
        return True

    async def _mark_failed(self, notice_id: int, error: Exception) -> None:
        self._mark_failures += 1
        retry_in = retry_delay(self._mark_failures)
        if self._mark_failures > 1:
            logger.warning(
                "notice #{} still cannot be marked sent ({} in a row: {}: {}); "
                "retrying in {:.0f} s",
                notice_id,
                self._mark_failures,
                type(error).__name__,
                error,
                retry_in,
            )
            return
        logger.opt(exception=error).error(
            "notice #{} was delivered but cannot be marked sent ({}: {}); it is not sent "
            "again, the mark is retried in {:.0f} s",
            notice_id,
            type(error).__name__,
            error,
            retry_in,
        )
        await keep_last_error(self._record_error, error)
