"""The bot's state: default destination groups, timezone, quiet hours, the sending pause and
last error, as one typed object.

Loaded once at start from the settings table and changed only through BotState's methods,
which write through to the store; everything that shows a time or needs the destinations
reads it from here. Key names the settings rows; nothing else spells them."""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from loguru import logger

from bot import quiethours
from bot.quiethours import QuietHours
from bot.restriction import Pause
from bot.timefmt import format_short, from_utc_text, to_utc_text


class Key(enum.StrEnum):
    """The rows of the settings table."""

    DESTINATIONS = "destinations"  # JSON: [[jid, name], ...] in the owner's order
    TIMEZONE = "timezone"  # an IANA name
    # bot.quiethours.format_setting: "21:00-06:00", or "off" for none whatever the setting says.
    QUIET_HOURS = "quiet_hours"
    LAST_ERROR = "last_error"
    # bot.restriction.Pause.to_text: the pause in force after a restriction signal; removed
    # when the owner lifts it (one that ran out stays: it sets the next pause's length).
    PAUSE = "send_pause"
    # UTC storage text: the end of the quiet hours the owner was last told posts wait for.
    QUIET_TOLD = "quiet_told_until"
    # UTC storage text (bot.timefmt); an older bot kept a local time text here, shown as is.
    LAST_ERROR_AT = "last_error_at"
    # Before several groups: the one destination. Read from an older database, removed once
    # the destinations are set again.
    OLD_DESTINATION = "destination"
    OLD_DESTINATION_NAME = "destination_name"


class Destination(NamedTuple):
    """A default destination group; unpacks as (jid, name)."""

    jid: str
    name: str


@dataclass(frozen=True)
class LastError:
    text: str
    at: datetime | None  # UTC
    at_text: str | None = None  # an older database's local time text, when `at` is unknown

    def shown(self, tz: ZoneInfo) -> str:
        """'post #3: grup tidak ditemukan (Min 22 Nov 08:00)', the time in zone `tz`."""
        when = format_short(self.at, tz) if self.at is not None else self.at_text
        return f"{self.text} ({when})" if when else self.text


class Named(Protocol):
    """A group as far as a destination needs it (bot.models.Group, Destination)."""

    @property
    def jid(self) -> str: ...

    @property
    def name(self) -> str: ...


class SettingsStore(Protocol):
    async def settings(self) -> dict[str, str]: ...

    async def set_settings(self, values: Mapping[str, str | None]) -> None: ...


def zone_named(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a path
        return None


def stored_timezone(stored: Mapping[str, str], default: ZoneInfo) -> ZoneInfo:
    """The saved timezone, else `default` (the configured one)."""
    return zone_named(stored.get(Key.TIMEZONE)) or default


def stored_destinations(stored: Mapping[str, str]) -> list[Destination]:
    """The saved default groups; an older database's one destination is a list of one."""
    raw = stored.get(Key.DESTINATIONS)
    if raw is not None:
        try:
            return [Destination(str(jid), str(name)) for jid, name in json.loads(raw)]
        except (ValueError, TypeError):
            logger.warning("stored destinations unreadable ({!r}); none chosen", raw[:200])
            return []
    jid = stored.get(Key.OLD_DESTINATION)
    return [Destination(jid, stored.get(Key.OLD_DESTINATION_NAME) or jid)] if jid else []


def stored_quiet_hours(stored: Mapping[str, str], default: QuietHours | None) -> QuietHours | None:
    """The quiet hours set from chat (/senyap), else `default` (JADWAL_QUIET_HOURS)."""
    raw = stored.get(Key.QUIET_HOURS)
    if raw is None:
        return default
    try:
        return quiethours.parse(raw)
    except ValueError:
        logger.warning("stored quiet hours unreadable ({!r}); using the setting", raw[:200])
        return default


def stored_pause(stored: Mapping[str, str]) -> Pause | None:
    raw = stored.get(Key.PAUSE)
    if not raw:
        return None
    try:
        return Pause.from_text(raw)
    except ValueError:
        logger.warning("stored sending pause unreadable ({!r}); not paused", raw[:200])
        return None


def stored_time(stored: Mapping[str, str], key: Key) -> datetime | None:
    raw = stored.get(key)
    try:
        return from_utc_text(raw) if raw else None
    except ValueError:
        logger.warning("stored {} unreadable ({!r}); ignored", key.value, raw)
        return None


def stored_last_error(stored: Mapping[str, str]) -> LastError | None:
    text = stored.get(Key.LAST_ERROR)
    if not text:
        return None
    at_text = stored.get(Key.LAST_ERROR_AT)
    try:
        return LastError(text, from_utc_text(at_text) if at_text else None)
    except ValueError:
        return LastError(text, None, at_text)


class BotState:
    """Read by everyone, changed through the methods below only."""

    def __init__(
        self,
        store: SettingsStore,
        timezone: ZoneInfo,
        destinations: Iterable[Destination] = (),
        last_error: LastError | None = None,
        quiet_hours: QuietHours | None = None,
        pause: Pause | None = None,
        quiet_told: datetime | None = None,
    ) -> None:
        self._pause = pause
        self._quiet_told = quiet_told
        self._store = store
        self._timezone = timezone
        self._destinations = tuple(destinations)
        self._last_error = last_error
        self._quiet_hours = quiet_hours

    @classmethod
    async def load(
        cls, store: SettingsStore, default_tz: ZoneInfo, default_quiet: QuietHours | None = None
    ) -> BotState:
        """The saved state; what was never saved is the configured value (`default_tz`,
        `default_quiet`)."""
        stored = await store.settings()
        saved = stored.get(Key.TIMEZONE)
        if saved and zone_named(saved) is None:
            logger.warning("stored timezone {!r} unknown; using {}", saved, default_tz.key)
        return cls(
            store,
            stored_timezone(stored, default_tz),
            stored_destinations(stored),
            stored_last_error(stored),
            stored_quiet_hours(stored, default_quiet),
            stored_pause(stored),
            stored_time(stored, Key.QUIET_TOLD),
        )

    @property
    def timezone(self) -> ZoneInfo:
        return self._timezone

    @property
    def destinations(self) -> list[Destination]:
        """The default groups a post goes to, in the owner's order; empty when none is chosen."""
        return list(self._destinations)

    @property
    def quiet_hours(self) -> QuietHours | None:
        """The daily window in which no post goes to a group; None: posts go at any hour."""
        return self._quiet_hours

    @property
    def pause(self) -> Pause | None:
        """The last sending pause as saved (it may have run out); None when lifted or never."""
        return self._pause

    @property
    def quiet_told(self) -> datetime | None:
        """The end of the quiet hours the owner was last told that posts wait for."""
        return self._quiet_told

    async def set_pause(self, pause: Pause | None) -> None:
        """In memory first, like record_error: this run keeps it even when the write fails."""
        self._pause = pause
        await self._store.set_settings({Key.PAUSE: pause.to_text() if pause else None})

    async def set_quiet_told(self, until: datetime) -> None:
        """In memory first: this run does not tell twice even when the write fails."""
        self._quiet_told = until
        await self._store.set_settings({Key.QUIET_TOLD: to_utc_text(until)})

    @property
    def last_error(self) -> LastError | None:
        """This run's last error even when the disk would not take it, else the saved one."""
        return self._last_error

    async def set_timezone(self, tz: ZoneInfo) -> None:
        await self._store.set_settings({Key.TIMEZONE: tz.key})
        self._timezone = tz

    async def set_quiet_hours(self, value: QuietHours | None) -> None:
        """Kept as "off" when None, so that a window in the settings no longer applies."""
        await self._store.set_settings({Key.QUIET_HOURS: quiethours.format_setting(value)})
        self._quiet_hours = value

    async def set_destinations(self, groups: Iterable[Named]) -> None:
        chosen = tuple(Destination(g.jid, g.name) for g in groups)
        pairs = json.dumps([list(g) for g in chosen], ensure_ascii=False)
        await self._store.set_settings(
            {Key.DESTINATIONS: pairs, Key.OLD_DESTINATION: None, Key.OLD_DESTINATION_NAME: None}
        )
        self._destinations = chosen

    async def record_error(self, text: str, at: datetime) -> None:
        """Keep `text` as the last error; in memory first, so /status shows it even when the
        write fails (disk full: the exception is the caller's to log)."""
        self._last_error = LastError(text, at)
        await self._store.set_settings({Key.LAST_ERROR: text, Key.LAST_ERROR_AT: to_utc_text(at)})
