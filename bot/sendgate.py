"""Whether a message may go to WhatsApp now, and if not, until when and why: the one place
that holds sends to protect the owner's number.

Three things hold a send, checked in this order:
- a pause after a restriction signal (bot.restriction: 429, 463, a burst of failures, a storm
  of disconnects), until it runs out or the owner lifts it (/lanjut);
- quiet hours (bot.quiethours), for posts to groups only: the owner's own notices still go;
- the send caps per minute, hour and day (bot.ratecaps), for posts and notices alike.

Replies to the owner's own commands are neither held nor counted: they answer what the owner
just typed, in the owner's own chat. The gate only says when; the scheduler and the notice
sender wait, in order, so a held send is never dropped.
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from loguru import logger

from bot.quiethours import QuietHours
from bot.ratecaps import Cap, Caps, RateLimiter
from bot.restriction import Pause, RestrictionGuard


class HoldKind(enum.Enum):
    PAUSE = "pause"
    QUIET = "quiet"
    CAP = "cap"


@dataclass(frozen=True)
class Hold:
    kind: HoldKind
    until: datetime  # UTC; when to look again
    pause: Pause | None = None
    cap: Cap | None = None
    quiet: QuietHours | None = None


OnPause = Callable[[Pause], Awaitable[None]]


class SendGate:
    def __init__(
        self,
        caps: Caps,
        quiet: Callable[[], QuietHours | None],
        tz: Callable[[], ZoneInfo],
        guard: RestrictionGuard | None = None,
        on_pause: OnPause | None = None,
        drops: Callable[[], tuple[datetime, ...]] = tuple,
    ) -> None:
        """`drops`: when the transport lost an established link, the most recent last
        (ConnectionState.drops); read by note_drops."""
        self._drops = drops
        self._drops_seen: datetime | None = None
        self.caps = caps
        self._limiter = RateLimiter(caps)
        self._quiet = quiet
        self._tz = tz
        self.guard = guard or RestrictionGuard()
        self._on_pause = on_pause
        # Set when a hold may have ended early (a pause lifted, quiet hours changed): a
        # waiting sender looks again at once.
        self.changed = asyncio.Event()

    # --- holds ----------------------------------------------------------------------------

    def hold_for_post(self, now: datetime) -> Hold | None:
        """What holds a post to a group at `now`, or None: it may go."""
        if pause := self.guard.active(now):
            return Hold(HoldKind.PAUSE, pause.until, pause=pause)
        quiet = self._quiet()
        if quiet is not None and quiet.is_quiet(now, self._tz()):
            return Hold(HoldKind.QUIET, quiet.window_end(now, self._tz()), quiet=quiet)
        return self._cap_hold(now)

    def hold_for_notice(self, now: datetime) -> Hold | None:
        """What holds a notice to the owner at `now`: only the caps. A pause or quiet hours
        must not keep the owner from hearing about them."""
        return self._cap_hold(now)

    def _cap_hold(self, now: datetime) -> Hold | None:
        cap = self._limiter.holding(now)
        if cap is None:
            return None
        return Hold(HoldKind.CAP, self._limiter.next_free(now), cap=cap)

    def used(self, now: datetime) -> list[tuple[Cap, int]]:
        """Each cap in force with how many sends its window holds at `now`."""
        return [(cap, self._limiter.used(cap, now)) for cap in self.caps.active()]

    # --- what happened --------------------------------------------------------------------

    def sent(self, at: datetime) -> None:
        """A message went out (a post to a group or a notice): it counts toward the caps."""
        self._limiter.record(at)

    def seed(self, times: Iterable[datetime]) -> None:
        """Sends stored before a restart, so that the caps hold across it."""
        self._limiter.seed(times)

    async def send_failed(self, now: datetime, error: BaseException) -> Pause | None:
        return await self._paused(self.guard.on_send_failure(now, error))

    def send_ok(self, now: datetime) -> None:
        self.guard.on_send_ok(now)

    async def note_drops(self) -> Pause | None:
        """Count the links lost since the last look (a storm of them pauses sending). Read
        when a post is about to go, not polled: the drops keep their own times."""
        pause = None
        for at in self._drops():
            if self._drops_seen is None or at > self._drops_seen:
                self._drops_seen = at
                pause = await self._paused(self.guard.on_disconnect(at)) or pause
        return pause

    def resume(self, now: datetime) -> Pause | None:
        """The owner lifts the pause (/lanjut); returns the pause lifted, if there was one."""
        lifted = self.guard.resume(now)
        if lifted is not None:
            logger.info("sending resumed by the owner (pause for {} lifted)", lifted.signal.value)
            self.changed.set()
        return lifted

    def restore(self, pause: Pause, now: datetime) -> None:
        """Take up a pause stored before a restart, if it still runs."""
        if now < pause.until:
            self.guard.restore(pause)

    def quiet_changed(self) -> None:
        self.changed.set()

    async def _paused(self, pause: Pause | None) -> Pause | None:
        if pause is not None:
            logger.warning(
                "sending paused until {} ({}: {})",
                pause.until.isoformat(),
                pause.signal.value,
                pause.detail,
            )
            if self._on_pause is not None:
                await self._on_pause(pause)
        return pause
