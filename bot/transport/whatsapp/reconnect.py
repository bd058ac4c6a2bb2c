"""The one reconnect loop: keep the WhatsApp link up, back off when it is not, stop for good
when WhatsApp says so.

Every connect() starts a Go call (goneonize main.go `Neonize`) that holds a thread of the
event loop's default executor and a session-database handle until its context is cancelled;
a second call for the same client overwrites the first one's stop handle and orphans it for
ever. So the loop never starts a call while another is live: before any new attempt it
stops the previous call and waits for it to end (`Link.stop_call`); if it does not end in
time, the process exits with the restart code instead of leaking it.

While no connection was ever made (or after whatsmeow gave up), each attempt first checks
cheaply that WhatsApp's host resolves and accepts TCP, and only then calls connect(): every
neonize connect() also leaks a file handle and memory, so failed connects are capped, after
which the process exits for a clean restart by its process manager. Once connected, whatsmeow
reconnects by itself; the loop only watches, and steps in when whatsmeow gives up or the link
stays down too long. Delays grow exponentially with jitter (tenacity), capped, and start over
after every successful connection.

Pairing: whatsmeow shows QR codes for about 160 s (qrchan.go `emitQRs`: the first code lives
60 s, five more 20 s each), then disconnects without any event the bot sees. Each QR event
carries how long that code lives; when no new code and no connection come in that time, the
attempt is over. That call can then never be stopped (goneonize `FetchMe` waits for a device
ID in a loop that ignores the stop signal; checked in the 0.5.2 library), so no fresh attempt
can start in this process: it exits with the restart code, and the next start (process
manager, or the owner running it again) shows a new code.
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
    ATTEMPT_FAILED = "attempt_failed"  # connect() failed, or its call ended: whatsmeow gave up
    PAIRING = "pairing"  # a QR code is showing; `seconds` says how long it lives
    PAIRED = "paired"  # the phone accepted the pairing; whatsmeow reconnects to log in
    KEEPALIVE_TIMEOUT = "keepalive_timeout"
    LOGGED_OUT = "logged_out"
    REPLACED = "replaced"
    BANNED = "banned"  # `seconds` until the ban expires; 0 when WhatsApp did not say
    OUTDATED = "outdated"
    REFUSED = "refused"  # a connect failure WhatsApp gave no retryable reason for


@dataclass(frozen=True)
class LinkEvent:
    kind: Kind
    detail: str = ""
    seconds: float = 0.0


class Link(Protocol):
    """What the loop needs from a WhatsApp client; the neonize transport implements it."""

    events: asyncio.Queue[LinkEvent]

    async def probe(self) -> str | None:
        """None when WhatsApp's host is reachable, else why not."""

    async def connect(self) -> None:
        """Start a connection attempt (no other call may be live); outcomes arrive on
        `events`."""

    async def stop_call(self) -> bool:
        """Stop the live connect call, if any, and wait for it to end. False when it did not
        end within its limit (its thread is stuck): the caller must not start another."""


@dataclass(frozen=True)
class ReconnectPolicy:
    initial: float = 3.0
    cap: float = 60.0
    jitter: float = 1.0
    max_failed_connects: int = 40
    connect_timeout: float = 60.0
    stay_down_limit: float = 600.0
    # A ban whose expiry WhatsApp did not give (TemporaryBan.Expire == 0) is waited this long.
    ban_unknown_expiry: float = 3600.0
    # Extra seconds after a QR code's lifetime before the attempt counts as expired.
    pairing_margin: float = 5.0


DEFAULT_POLICY = ReconnectPolicy()

# Permanent outcomes: phase, exit code, log line.
_PERMANENT = {
    Kind.LOGGED_OUT: (
        Phase.LOGGED_OUT,
        exitcodes.LOGGED_OUT,
        "logged out by WhatsApp: re-pair needed",
    ),
    Kind.REPLACED: (
        Phase.REPLACED,
        exitcodes.REPLACED,
        "session replaced: another client took this WhatsApp session; not fighting it",
    ),
    Kind.OUTDATED: (
        Phase.OUTDATED,
        exitcodes.OUTDATED,
        "WhatsApp rejected this client as outdated: upgrade neonize (README: exit 12)",
    ),
    Kind.REFUSED: (
        Phase.REFUSED,
        exitcodes.RESTART,
        "WhatsApp refused the connection without a retryable reason",
    ),
}


class _AttemptFailed(Exception):
    pass


class _Stuck(Exception):
    """The previous connect call did not stop: starting another would orphan it."""


class _PairingExpired(Exception):
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


async def maintain_connection(
    link: Link,
    status: LinkStatus,
    policy: ReconnectPolicy = DEFAULT_POLICY,
    *,
    sleep: Sleep = asyncio.sleep,
    clock: Clock = _utc_now,
    notify: Notify | None = None,
) -> int:
    """Run until a permanent outcome; return the process exit code it calls for."""
    try:
        return await _maintain(link, status, policy, sleep, clock, notify)
    except _Stuck:
        logger.error(
            "the previous WhatsApp connection did not stop; exiting for a clean "
            "restart (exit code {}) rather than leaking it",
            exitcodes.RESTART,
        )
    except _PairingExpired:
        logger.error(
            "the QR code / pairing code expired unused (a pairing attempt lasts about "
            "160 s); exiting with code {} so that the next start shows a new one "
            "(PM2/systemd restart it; by hand: run `python -m bot run` again)",
            exitcodes.RESTART,
        )
    status.enter(Phase.STOPPED, clock())
    return exitcodes.RESTART


async def _maintain(
    link: Link,
    status: LinkStatus,
    policy: ReconnectPolicy,
    sleep: Sleep,
    clock: Clock,
    notify: Notify | None,
) -> int:
    ban_reason: str | None = None
    while True:
        try:
            if not await _until_connected(link, status, policy, sleep, clock):
                logger.error(
                    "giving up after {} failed connects; exiting for a clean restart",
                    status.failed_connects,
                )
                status.enter(Phase.STOPPED, clock())
                return exitcodes.RESTART
            if ban_reason is not None and notify is not None:
                await notify(m.BACK_AFTER_BAN.format(reason=ban_reason))
            ban_reason = None
            await _while_connected(link, status, policy, sleep, clock)
            await _stop_call(link)
        except _Banned as ban:
            seconds = ban.event.seconds or policy.ban_unknown_expiry
            status.enter(Phase.BANNED, clock())
            status.banned_until = clock() + timedelta(seconds=seconds)
            status.disconnected(f"diblokir sementara ({ban.event.detail})", clock())
            logger.error(
                "temporarily banned by WhatsApp ({}); waiting {:.0f} s{}",
                ban.event.detail,
                seconds,
                "" if ban.event.seconds else " (WhatsApp gave no expiry)",
            )
            ban_reason = ban.event.detail
            await _stop_call(link)
            await sleep(seconds)
        except _Permanent as stop:
            phase, code, line = _PERMANENT[stop.event.kind]
            status.enter(phase, clock())
            status.disconnected(
                phase.value + (f": {stop.event.detail}" if stop.event.detail else ""), clock()
            )
            logger.error("{} ({}); exit code {}", line, stop.event.detail or "no detail", code)
            return code


async def _stop_call(link: Link) -> None:
    if not await link.stop_call():
        raise _Stuck


async def _until_connected(
    link: Link, status: LinkStatus, policy: ReconnectPolicy, sleep: Sleep, clock: Clock
) -> bool:
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
        logger.warning(
            "WhatsApp not connected ({}); attempt {} failed, next in {:.1f} s",
            error,
            state.attempt_number,
            delay,
        )

    retrying = AsyncRetrying(
        wait=wait_exponential_jitter(
            multiplier=policy.initial, max=policy.cap, jitter=policy.jitter
        ),
        retry=retry_if_exception_type(_AttemptFailed),
        stop=ceiling_reached,
        sleep=wait_logged,
        before_sleep=log_retry,
        reraise=True,
    )
    try:
        async for attempt in retrying:
            with attempt:
                await _attempt(link, status, policy, sleep, clock)
    except _AttemptFailed:
        return False
    return True


async def _attempt(
    link: Link, status: LinkStatus, policy: ReconnectPolicy, sleep: Sleep, clock: Clock
) -> None:
    problem = await link.probe()
    if problem is not None:
        raise _AttemptFailed(f"network: {problem}")
    await _start(link, status, clock)
    timeout = policy.connect_timeout
    while True:
        event = await next_event(link.events, timeout, sleep)
        if event is None and status.phase is Phase.PAIRING:
            # The last QR code expired and whatsmeow disconnected without telling us.
            raise _PairingExpired
        if event is None:
            status.failed_connects += 1
            logger.warning(
                "no answer from WhatsApp within {:.0f} s. If this device is not "
                "paired yet and no QR code appeared, WhatsApp may be refusing this "
                "neonize version (whatsmeow's QR channel then closes without an "
                "event): see README, 'Upgrading neonize / exit 12'",
                policy.connect_timeout,
            )
            await _stop_call(link)
            raise _AttemptFailed(f"no answer within {policy.connect_timeout:.0f} s")
        if event.kind is Kind.CONNECTED:
            status.enter(Phase.CONNECTED, clock())
            logger.info("connected to WhatsApp")
            return
        if event.kind is Kind.PAIRING:
            status.enter(Phase.PAIRING, clock())
            timeout = event.seconds + policy.pairing_margin
            continue
        if event.kind is Kind.PAIRED:
            status.enter(Phase.CONNECTING, clock())
            timeout = policy.connect_timeout
            continue
        if event.kind is Kind.ATTEMPT_FAILED:
            status.failed_connects += 1
            raise _AttemptFailed(event.detail)
        _raise_if_final(event)


async def _start(link: Link, status: LinkStatus, clock: Clock) -> None:
    status.enter(Phase.CONNECTING, clock())
    _drain(link.events)
    await link.connect()


def _raise_if_final(event: LinkEvent) -> None:
    if event.kind is Kind.BANNED:
        raise _Banned(event)
    if event.kind in _PERMANENT:
        raise _Permanent(event)


async def _while_connected(
    link: Link, status: LinkStatus, policy: ReconnectPolicy, sleep: Sleep, clock: Clock
) -> None:
    """Watch a live link; return when it is time for the loop to reconnect by itself."""
    down_since: datetime | None = None
    while True:
        timeout = None
        if down_since is not None:
            timeout = max(0.0, policy.stay_down_limit - (clock() - down_since).total_seconds())
        event = await next_event(link.events, timeout, sleep)
        if event is None:
            logger.warning(
                "link down for {:.0f} s and whatsmeow has not recovered; stepping in",
                policy.stay_down_limit,
            )
            return
        if event.kind is Kind.CONNECTED:
            if down_since is not None:
                logger.info(
                    "reconnected to WhatsApp after {:.0f} s", (clock() - down_since).total_seconds()
                )
            down_since = None
            status.enter(Phase.CONNECTED, clock())
        elif event.kind in (Kind.DISCONNECTED, Kind.KEEPALIVE_TIMEOUT):
            # A silent outage brings no Disconnected, only keep-alive timeouts (whatsmeow
            # keepalive.go: a ping every 20-30 s, answered within 10 s; after 3 min of
            # failures it reconnects by itself). Either way posts wait instead of failing.
            if down_since is None:
                down_since = clock()
                status.enter(Phase.DROPPED, down_since)
                status.disconnected(event.detail or "koneksi terputus", down_since)
                status.dropped(down_since)
                logger.warning(
                    "WhatsApp link down ({}); whatsmeow reconnects by itself",
                    event.detail or "no detail",
                )
        elif event.kind is Kind.ATTEMPT_FAILED:
            status.disconnected(event.detail or "klien berhenti", clock())
            logger.warning("the WhatsApp client stopped ({}); reconnecting", event.detail)
            return
        else:
            _raise_if_final(event)


async def next_event(
    queue: asyncio.Queue[LinkEvent], limit: float | None, sleep: Sleep
) -> LinkEvent | None:
    """The next event, or None after `limit` seconds of `sleep` (None: wait for ever).

    Raced against the injected sleep rather than asyncio.timeout, so that tests drive it with
    a virtual clock; an event already taken from the queue is never dropped.
    """
    if limit is None:
        return await queue.get()
    getter = asyncio.ensure_future(queue.get())
    timer = asyncio.ensure_future(sleep(limit))
    try:
        await asyncio.wait({getter, timer}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        timer.cancel()
        if not getter.done():
            getter.cancel()
    if getter.done() and not getter.cancelled():
        return getter.result()
    return None


def _drain(queue: asyncio.Queue[LinkEvent]) -> None:
    """Drop stale events left from an earlier attempt."""
    while not queue.empty():
        queue.get_nowait()
