"""The WhatsApp link's state as people need to read it: for /status, health and logs."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot import messages as m
from bot.timefmt import format_duration, format_local


class Phase(enum.StrEnum):
    STARTING = "starting"
    PAIRING = "pairing"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"  # our loop is backing off between attempts
    DROPPED = "dropped"  # was connected; whatsmeow is reconnecting by itself
    BANNED = "banned"
    LOGGED_OUT = "logged_out"
    REPLACED = "replaced"
    OUTDATED = "outdated"
    REFUSED = "refused"
    STOPPED = "stopped"


DROPS_KEPT = 20


@dataclass
class LinkStatus:
    phase: Phase = Phase.STARTING
    since: datetime | None = None  # when the current phase began
    connected_since: datetime | None = None
    attempt: int = 0
    next_try_at: datetime | None = None
    banned_until: datetime | None = None
    last_disconnect: str | None = None
    last_disconnect_at: datetime | None = None
    failed_connects: int = 0  # connect() calls that failed in this process
    drops: tuple[datetime, ...] = ()  # established links lost, the last DROPS_KEPT
    drops_total: int = 0  # established links lost in this process

    def dropped(self, at: datetime) -> None:
        """An established link was lost at `at`."""
        self.drops = (*self.drops[-(DROPS_KEPT - 1) :], at)
        self.drops_total += 1

    def enter(self, phase: Phase, at: datetime) -> None:
        self.phase = phase
        self.since = at
        if phase is Phase.CONNECTED:
            self.connected_since = at
            self.attempt = 0
            self.next_try_at = None
            self.banned_until = None

    def disconnected(self, reason: str, at: datetime) -> None:
        self.last_disconnect = reason
        self.last_disconnect_at = at

    @property
    def connected(self) -> bool:
        return self.phase is Phase.CONNECTED

    def describe(self, tz: ZoneInfo, now: datetime | None = None) -> str:
        now = now or datetime.now(UTC)
        phase = self.phase
        if phase is Phase.CONNECTED and self.connected_since:
            text = m.LINK_CONNECTED.format(since=format_local(self.connected_since, tz))
        elif phase is Phase.RECONNECTING and self.next_try_at:
            text = m.LINK_RECONNECTING.format(
                attempt=self.attempt, wait=format_duration(self.next_try_at - now)
            )
        elif phase is Phase.DROPPED and self.since:
            text = m.LINK_DROPPED.format(since=format_local(self.since, tz))
        elif phase is Phase.BANNED and self.banned_until:
            text = m.LINK_BANNED.format(until=format_local(self.banned_until, tz))
        else:
            text = m.LINK_PHASES[phase.value]
        if self.last_disconnect and self.last_disconnect_at:
            text += "\n" + m.LINK_LAST_DISCONNECT.format(
                reason=self.last_disconnect, at=format_local(self.last_disconnect_at, tz)
            )
        return text
