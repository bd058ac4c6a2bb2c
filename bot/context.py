"""What a command handler gets: the parsed command, the services, and a reply function."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.media import MediaStore
from bot.models import Group, IncomingMessage
from bot.settings import Settings
from bot.store import Store
from bot.timeparse import ParseResult, parse_schedule
from bot.transport.base import ConnectionState

# How long a proposed reading ("Maksudnya besok 08:00?") waits for the owner's "ya".
PROPOSAL_TTL = timedelta(minutes=5)
# The command that accepts it; its name and aliases also work without the slash ("ya",
# "ok"), but only in a chat where a proposal waits.
ACCEPT_COMMAND = "ya"


class UserError(Exception):
    """A known problem with the owner's input; the dispatcher replies with `reason`.

    With `usage_of` set, the reply also shows that command's usage line and an example.
    With `accept` set, the reason proposes a reading and `accept` carries it out when the
    owner answers "ya" (instead of the usage line, the reply says so).
    """

    def __init__(
        self, reason: str, usage_of: str | None = None, accept: Handler | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.usage_of = usage_of
        self.accept = accept


@dataclass(frozen=True)
class Proposal:
    """A refused command's proposed reading, waiting in one chat for the owner's "ya"."""

    command: str
    accept: Handler
    expires: datetime


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
    typed_at: datetime  # when the owner typed the command (bot.dispatcher.typed_at)
    # The proposal that was waiting in this chat when the command came; any command drops it,
    # only /ya acts on it.
    proposal: Proposal | None = None

    @property
    def store(self) -> Store:
        return self.services.store

    def parse_time(self, phrase: str) -> ParseResult:
        """Read the time at the front of `phrase` as of when the owner typed it: 'dalam 1 jam'
        typed at 17:00 means 18:00 however late the message arrived; a moment the clock has
        already passed is refused as any past time is, with a proposal."""
        return parse_schedule(
            phrase, self.services.clock(), self.services.tz, typed_at=self.typed_at
        )


Handler = Callable[[Context], Awaitable[None]]


@dataclass(frozen=True)
class Command:
    name: str
    aliases: tuple[str, ...]
    handler: Handler
    in_group: bool = False  # runs when typed inside a group (replies still go privately)
