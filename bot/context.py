"""What a command handler gets: the parsed command, the services, and a reply function."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.media import MediaStore
from bot.models import Group, IncomingMessage
from bot.settings import Settings
from bot.store import Store
from bot.transport.base import ConnectionState


class UserError(Exception):
    """A known problem with the owner's input; the dispatcher replies with `reason`.

    With `usage_of` set, the reply also shows that command's usage line and an example.
    """

    def __init__(self, reason: str, usage_of: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.usage_of = usage_of


@dataclass
class Services:
    """The bot's capabilities as handlers see them; no transport object in sight."""

    store: Store
    media: MediaStore
    settings: Settings
    tz: ZoneInfo
    started_at: datetime
    version: str
    clock: Callable[[], datetime]
    queue_changed: Callable[[], None]
    list_groups: Callable[[], Awaitable[list[Group]]]
    connection: Callable[[], ConnectionState]


@dataclass(frozen=True)
class Context:
    message: IncomingMessage
    command: str
    args: str
    body: str
    services: Services
    reply: Callable[[str], Awaitable[None]]
    reply_image: Callable[[Path, str], Awaitable[None]]

    @property
    def store(self) -> Store:
        return self.services.store


Handler = Callable[[Context], Awaitable[None]]


@dataclass(frozen=True)
class Command:
    name: str
    aliases: tuple[str, ...]
    handler: Handler
