"""The one reconnect loop: keep the WhatsApp link up, back off when it is not, stop for good
when WhatsApp says so.

While no connection was ever made (or after whatsmeow gave up), each attempt first checks
cheaply that WhatsApp's host resolves and accepts TCP, and only then calls connect(): every
failed neonize connect() leaks a file handle and memory, so failed connects are also capped,
after which the process exits for a clean restart by its process manager. Once connected,
whatsmeow reconnects by itself; the loop only watches, and steps in when whatsmeow gives up
or the link stays down too long. Delays grow exponentially with jitter (tenacity), capped,
and start over after every successful connection.
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from loguru import logger
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type
from tenacity.wait import wait_exponential_jitter

from bot import exitcodes
from bot import messages as m
from bot.transport.whatsapp.linkstate import LinkStatus, Phase


class Kind(enum.StrEnum):
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    ATTEMPT_FAILED = "attempt_failed"  # connect() failed, or its task ended: whatsmeow gave up
    PAIRING = "pairing"
    KEEPALIVE_TIMEOUT = "keepalive_timeout"
    LOGGED_OUT = "logged_out"
    REPLACED = "replaced"
    BANNED = "banned"
    OUTDATED = "outdated"
    REFUSED = "refused"  # a connect failure WhatsApp gave no retryable reason for


@dataclass(frozen=True)
class LinkEvent:
    kind: Kind
    detail: str = ""
    ban_seconds: int = 0


class Link(Protocol):
    """What the loop needs from a WhatsApp client; the neonize transport implements it."""

    events: asyncio.Queue[LinkEvent]

    async def probe(self) -> str | None:
        """None when WhatsApp's host is reachable, else why not."""

    async def connect(self) -> None:
        """Start a connection attempt; its outcome arrives on `events`."""

    async def disconnect(self) -> None: ...


@dataclass(frozen=True)
class ReconnectPolicy:
    initial: float = 3.0
    cap: float = 60.0
    jitter: float = 1.0
    max_failed_connects: int = 40
    connect_timeout: float = 60.0
    stay_down_limit: float = 600.0


DEFAULT_POLICY = ReconnectPolicy()

# Permanent outcomes: phase, exit code, log line.
_PERMANENT = {
    Kind.LOGGED_OUT: (Phase.LOGGED_OUT, exitcodes.LOGGED_OUT,
                      "logged out by WhatsApp (device unlinked): re-pair needed"),
    Kind.REPLACED: (Phase.REPLACED, exitcodes.REPLACED,
                    "session replaced: another client took this WhatsApp session; not fighting it"),
    Kind.OUTDATED: (Phase.OUTDATED, exitcodes.OUTDATED,
                    "WhatsApp rejected this client as outdated: upgrade neonize"),
    Kind.REFUSED: (Phase.REFUSED, exitcodes.RESTART,
                   "WhatsApp refused the connection without a retryable reason"),
}


class _AttemptFailed(Exception):
    pass


class _Permanent(Exception):
    def __init__(self, event: LinkEvent) -> None:
        super().__init__(event.kind.value)
        self.event = event


class _Banned(Exception):
    def __init__(self, event: LinkEvent) -> None:
        super().__init__(event.detail)
        self.event = event


Sleep = Callable[[float], Awaitable[None]]
Notify = Callable[[str], Awaitable[None]]
Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


async def maintain_connection(link: Link, status: LinkStatus,
                              policy: ReconnectPolicy = DEFAULT_POLICY, *,
                              sleep: Sleep = asyncio.sleep, clock: Clock = _utc_now,
                              notify: Notify | None = None) -> int:
    """Run until a permanent outcome; return the process exit code it calls for."""
    ban_reason: str | None = None
    while True:
        try:
            if not await _until_connected(link, status, policy, sleep, clock):
                logger.error("giving up after {} failed connects; exiting for a clean restart",
                             status.failed_connects)
                status.enter(Phase.STOPPED, clock())
                return exitcodes.RESTART
            if ban_reason is not None and notify is not None:
                await notify(m.BACK_AFTER_BAN.format(reason=ban_reason))
            ban_reason = None
            await _while_connected(link, status, policy, clock)
        except _Banned as ban:
            seconds = max(ban.event.ban_seconds, 1)
            status.enter(Phase.BANNED, clock())
            status.banned_until = clock() + timedelta(seconds=seconds)
            status.disconnected(f"diblokir sementara ({ban.event.detail})", clock())
            logger.error("temporarily banned by WhatsApp ({}); waiting {} s until it expires",
                         ban.event.detail, seconds)
            ban_reason = ban.event.detail
            await link.disconnect()
            await sleep(seconds)
        except _Permanent as stop:
            phase, code, line = _PERMANENT[stop.event.kind]
            status.enter(phase, clock())
            status.disconnected(phase.value + (f": {stop.event.detail}" if stop.event.detail
                                                else ""), clock())
            logger.error("{} ({}); exit code {}", line, stop.event.detail or "no detail", code)
            return code


async def _until_connected(link: Link, status: LinkStatus, policy: ReconnectPolicy,
                           sleep: Sleep, clock: Clock) -> bool:
    """Attempt until connected (True) or the failed-connect ceiling is reached (False)."""

    def ceiling_reached(_: RetryCallState) -> bool:
        return status.failed_connects >= policy.max_failed_connects

    async def wait_logged(seconds: float) -> None:
        status.next_try_at = clock() + timedelta(seconds=seconds)
        status.enter(Phase.RECONNECTING, clock())
        await sleep(seconds)

    def log_retry(state: RetryCallState) -> None:
        status.attempt = state.attempt_number
        delay = state.next_action.sleep if state.next_action else 0.0
        error = state.outcome.exception() if state.outcome else None
        logger.warning("WhatsApp not connected ({}); attempt {} failed, next in {:.1f} s",
                       error, state.attempt_number, delay)

    retrying = AsyncRetrying(
        wait=wait_exponential_jitter(multiplier=policy.initial, max=policy.cap,
                                     jitter=policy.jitter),
        retry=retry_if_exception_type(_AttemptFailed),
        stop=ceiling_reached,
        sleep=wait_logged,
        before_sleep=log_retry,
        reraise=True,
    )
    try:
        async for attempt in retrying:
            with attempt:
                await _attempt(link, status, policy, clock)
    except _AttemptFailed:
        return False
    return True


async def _attempt(link: Link, status: LinkStatus, policy: ReconnectPolicy,
                   clock: Clock) -> None:
    problem = await link.probe()
    if problem is not None:
        raise _AttemptFailed(f"network: {problem}")
    status.enter(Phase.CONNECTING, clock())
    _drain(link.events)
    await link.connect()
    timeout: float | None = policy.connect_timeout
    while True:
        event = await _next_event(link.events, timeout)
        if event is None:
            status.failed_connects += 1
            await link.disconnect()
            raise _AttemptFailed(f"no answer within {policy.connect_timeout:.0f} s")
        if event.kind is Kind.CONNECTED:
            status.enter(Phase.CONNECTED, clock())
            logger.info("connected to WhatsApp")
            return
        if event.kind is Kind.PAIRING:
            status.enter(Phase.PAIRING, clock())
            timeout = None  # pairing waits for a person at the phone
            continue
        if event.kind is Kind.ATTEMPT_FAILED:
            status.failed_connects += 1
            raise _AttemptFailed(event.detail)
        _raise_if_final(event)


def _raise_if_final(event: LinkEvent) -> None:
    if event.kind is Kind.BANNED:
        raise _Banned(event)
    if event.kind in _PERMANENT:
        raise _Permanent(event)


async def _while_connected(link: Link, status: LinkStatus, policy: ReconnectPolicy,
                           clock: Clock) -> None:
    """Watch a live link; return when it is time for the loop to reconnect by itself."""
    down_since: datetime | None = None
    while True:
        timeout = None
        if down_since is not None:
            timeout = max(0.0, policy.stay_down_limit - (clock() - down_since).total_seconds())
        event = await _next_event(link.events, timeout)
        if event is None:
            logger.warning("link down for {:.0f} s and whatsmeow has not recovered; stepping in",
                           policy.stay_down_limit)
            await link.disconnect()
            return
        if event.kind is Kind.CONNECTED:
            if down_since is not None:
                logger.info("reconnected to WhatsApp after {:.0f} s",
                            (clock() - down_since).total_seconds())
            down_since = None
            status.enter(Phase.CONNECTED, clock())
        elif event.kind is Kind.DISCONNECTED:
            if down_since is None:
                down_since = clock()
                status.enter(Phase.DROPPED, down_since)
                status.disconnected(event.detail or "koneksi terputus", down_since)
                logger.warning("disconnected from WhatsApp ({}); whatsmeow reconnects by itself",
                               event.detail or "no detail")
        elif event.kind is Kind.KEEPALIVE_TIMEOUT:
            logger.warning("WhatsApp keep-alive timed out ({})", event.detail)
        elif event.kind is Kind.ATTEMPT_FAILED:
            status.disconnected(event.detail or "klien berhenti", clock())
            logger.warning("the WhatsApp client stopped ({}); reconnecting", event.detail)
            return
        else:
            _raise_if_final(event)


async def _next_event(queue: asyncio.Queue[LinkEvent], limit: float | None
                      ) -> LinkEvent | None:
    """The next event, or None after `limit` seconds (None: wait for ever).

    asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation that
    arrives just as an event does, and then the loop would never stop.
    """
    try:
        async with asyncio.timeout(limit):
            return await queue.get()
    except TimeoutError:
        return None


def _drain(queue: asyncio.Queue[LinkEvent]) -> None:
    """Drop stale events left from an earlier attempt."""
    while not queue.empty():
        queue.get_nowait()
