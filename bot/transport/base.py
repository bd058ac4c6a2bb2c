"""The small interface every transport implements; nothing above it knows which one runs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.models import Group, IncomingMessage, MediaKind, SentMessage
from bot.pollspec import PollSpec

MessageHandler = Callable[[IncomingMessage], Awaitable[None]]


class TransportError(Exception):
    """A send or lookup failed; `reason` is safe to show to the owner.

    `transient`: nothing was delivered and trying again later may work (timeout before the
    message was written, server busy). `disconnected`: nothing was sent because there is no
    connection; the post waits for it, it has not failed. `uncertain`: the message was
    written but no answer came, so it may have been delivered; sending it again could post it
    twice, so it is never retried automatically (never transient). Any other exception from
    a send is taken the same way: nobody knows whether the message went out.

    `code`: the error code WhatsApp's server answered with, when the failure carried one
    (429 rate-overlimit, 463 reach-out timelock, 479, 5xx ...); None otherwise. It says what
    the server said, not what to do: `transient` and friends decide that.
    """

    def __init__(
        self,
        reason: str,
        *,
        transient: bool = False,
        disconnected: bool = False,
        uncertain: bool = False,
        code: int | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code
        self.uncertain = uncertain
        self.transient = (transient or disconnected) and not uncertain
        self.disconnected = disconnected and not uncertain


class MediaUnavailable(TransportError):
    """An attached photo can no longer be fetched (WhatsApp no longer keeps it); the owner
    has to send the photo again."""


@dataclass(frozen=True)
class OutgoingMedia:
    """A media post to send: a stored file, sent as `kind` with its type, the post's text
    as caption (empty for audio and voice notes, which take none) and, for a document, the
    file name the group sees."""

    kind: MediaKind
    path: Path
    mime: str
    caption: str = ""
    file_name: str = ""


@dataclass(frozen=True)
class ConnectionState:
    connected: bool
    description: str  # times in it shown in the zone the transport was given
    # The description with its times in another zone (the bot's zone may change while the
    # transport runs); None when it shows no time.
    in_zone: Callable[[ZoneInfo], str] | None = None
    # When an established link was lost (UTC), the most recent last: a storm of them is a
    # restriction signal (bot.sendgate).
    drops: tuple[datetime, ...] = ()
    drops_total: int = 0  # established links lost since the transport started (/metrics)

    def shown_in(self, tz: ZoneInfo) -> ConnectionState:
        """The same state, its times shown in zone `tz`."""
        if self.in_zone is None:
            return self
        return replace(self, description=self.in_zone(tz))


class Transport(Protocol):
    async def start(self, on_message: MessageHandler) -> None:
        """Begin delivering incoming messages to `on_message`."""

    async def stop(self) -> None: ...

    async def wait_closed(self) -> int:
        """Return when the transport ends by itself (console EOF, logged out, ...), with the
        process exit code that outcome calls for."""

    def owner_chat(self) -> str:
        """Where notices for the owner go."""

    def self_id(self) -> str:
        """The account's own user part (phone number), for owner checks."""

    def connection(self) -> ConnectionState: ...

    async def send_text(self, chat: str, text: str, *, post_id: int | None = None) -> SentMessage:
        """Send `text`; `post_id` names the queued post it delivers, if any (for records)."""

    async def send_image(
        self, chat: str, image: Path, caption: str, *, post_id: int | None = None
    ) -> SentMessage:
        """Send a photo (the same as send_media with an image)."""

    async def send_media(
        self, chat: str, media: OutgoingMedia, *, post_id: int | None = None
    ) -> SentMessage:
        """Send `media` as its kind of WhatsApp message."""

    async def send_mentioning_all(
        self, chat: str, content: str | OutgoingMedia, *, post_id: int | None = None
    ) -> SentMessage:
        """Send a text (or media, as send_media) to group `chat` mentioning every member of
        it without naming them in the text. Reading the members is part of the send: its
        failures are TransportErrors like a send's."""

    async def send_poll(
        self, chat: str, poll: PollSpec, *, post_id: int | None = None
    ) -> SentMessage:
        """Send `poll` as a WhatsApp poll."""

    async def list_groups(self) -> list[Group]: ...

    async def set_typing(self, chat: str, typing: bool) -> None:
        """Show (`typing`) or clear "typing..." in `chat`. Cosmetic: it must never fail a
        post. Implementations log and swallow their own failures, and callers ignore any
        that still escape. Does nothing by default."""
        return None
