"""The small interface every transport implements; nothing above it knows which one runs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from bot.models import Group, IncomingMessage, SentMessage

MessageHandler = Callable[[IncomingMessage], Awaitable[None]]


class TransportError(Exception):
    """A send or lookup failed; `reason` is safe to show to the owner.

    `transient`: nothing was delivered and trying again later may work (timeout before the
    message was written, server busy). `disconnected`: nothing was sent because there is no
    connection; the post waits for it, it has not failed. `uncertain`: the message was
    written but no answer came, so it may have been delivered; sending it again could post it
    twice, so it is never retried automatically (never transient). Any other exception from
    a send is taken the same way: nobody knows whether the message went out.
    """

    def __init__(
        self,
        reason: str,
        *,
        transient: bool = False,
        disconnected: bool = False,
        uncertain: bool = False,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.uncertain = uncertain
        self.transient = (transient or disconnected) and not uncertain
        self.disconnected = disconnected and not uncertain


class MediaUnavailable(TransportError):
    """An attached photo can no longer be fetched (WhatsApp no longer keeps it); the owner
    has to send the photo again."""


@dataclass(frozen=True)
class ConnectionState:
    connected: bool
    description: str


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
    ) -> SentMessage: ...

    async def list_groups(self) -> list[Group]: ...
