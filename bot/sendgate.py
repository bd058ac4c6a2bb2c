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
KeepPause = Callable[[Pause | None], Awaitable[None]]


class SendGate:
    def __init__(
        self,
        caps: Caps,
        quiet: Callable[[], QuietHours | None],
        tz: Callable[[], ZoneInfo],
        guard: RestrictionGuard | None = None,
        on_pause: OnPause | None = None,
        drops: Callable[[], tuple[datetime, ...]] = tuple,
        keep: KeepPause | None = None,
    ) -> None:
        """`drops`: when the transport lost an established link, the most recent last
        (ConnectionState.drops); read by note_drops. `keep` saves the pause in force when
        one starts, and None when the owner lifts it, so that a restart takes it up
        (`restore`). `on_pause` tells the owner."""
        self._keep = keep
        self._drops = drops
        self._drops_seen: datetime | None = None
        self.caps = caps
        self._limiter = RateLimiter(caps)
        self._quiet = quiet
        self._tz = tz
        self.guard = guard or RestrictionGuard()
        self._on_pause = on_pause

    # --- holds ----------------------------------------------------------------------------

    def hold_for_post(self, now: datetime) -> Hold | None:
        """What holds a post to a group at `now`, or None: it may go."""
        if pause := self.guard.active(now):
            return Hold(HoldKind.PAUSE, pause.until, pause=pause)
        if end := self.quiet_end(now):
            return Hold(HoldKind.QUIET, end, quiet=self._quiet())
        return self._cap_hold(now, reserve=True)

    def hold_for_notice(self, now: datetime) -> Hold | None:
        """What holds a notice to the owner at `now`: only the caps, and not their reserve
        (ratecaps.Cap.reserve). A pause or quiet hours must not keep the owner from hearing
        about them."""
        return self._cap_hold(now, reserve=False)

    def quiet_end(self, moment: datetime) -> datetime | None:
        """When the quiet hours that `moment` falls in end; None if it falls outside them."""
        quiet = self._quiet()
        if quiet is None or not quiet.is_quiet(moment, self._tz()):
            return None
        return quiet.window_end(moment, self._tz())

    @property
    def quiet_hours(self) -> QuietHours | None:
        return self._quiet()

    def _cap_hold(self, now: datetime, *, reserve: bool) -> Hold | None:
        cap = self._limiter.holding(now, reserve=reserve)
        if cap is None:
            return None
        return Hold(HoldKind.CAP, self._limiter.next_free(now, reserve=reserve), cap=cap)

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

    async def resume(self, now: datetime) -> Pause | None:
        """The owner lifts the pause (/lanjut); returns the pause lifted, if there was one.
        Whoever waits for the gate is woken by the caller (the scheduler's queue_changed)."""
        lifted = self.guard.resume(now)
        if lifted is not None:
            logger.info("sending resumed by the owner (pause for {} lifted)", lifted.signal.value)
            await self._kept(None)
        return lifted

    def restore(self, pause: Pause, now: datetime) -> None:
        """Take up a pause stored before a restart. One that ran out meanwhile still sets
        the ladder: the next signal soon after pauses for longer."""
        self.guard.restore(pause)
        if now < pause.until:
            logger.warning(
                "sending stays paused until {} ({}: {}), as before the restart",
                pause.until.isoformat(),
                pause.signal.value,
                pause.detail,
            )

    async def _paused(self, pause: Pause | None) -> Pause | None:
        if pause is not None:
            logger.warning(
                "sending paused until {} ({}: {})",
                pause.until.isoformat(),
                pause.signal.value,
                pause.detail,
            )
            await self._kept(pause)
            if self._on_pause is not None:
                await self._on_pause(pause)
        return pause

    async def _kept(self, pause: Pause | None) -> None:
        """Save the pause; one that cannot be saved still holds in this run."""
        if self._keep is None:
            return
        try:
            await self._keep(pause)
        except Exception as exc:
            logger.warning(
                "the pause could not be saved ({}: {}); a restart would not keep it",
                type(exc).__name__,
                exc,
            )
