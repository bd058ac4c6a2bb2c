"""Test doubles at the transport boundary, and builders for incoming messages."""

from __future__ import annotations

import asyncio
import itertools
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bot.models import Group, IncomingMessage, MediaKind, MediaRef, SentMessage
from bot.pollspec import PollSpec
from bot.transport.base import ConnectionState, MessageHandler, OutgoingMedia, TransportError

OWNER = "6281234567890"
OWNER_CHAT = f"{OWNER}@s.whatsapp.net"
GROUPS = (
    Group("120363000000000001@g.us", "Grup Demo A"),
    Group("120363000000000002@g.us", "Grup Demo B"),
    Group("120363000000000003@g.us", "Alumni SMA"),
)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32

_ids = itertools.count(1)


@dataclass
class Sent:
    chat: str
    text: str
    image: Path | None = None  # the file of a photo, or of any media
    post_id: int | None = None
    at: datetime = field(default_factory=lambda: datetime.now(UTC))
    media: OutgoingMedia | None = None  # what send_media was given (not for photos)
    poll: PollSpec | None = None  # what send_poll was given
    mention_all: bool = False  # sent by send_mentioning_all


class FakeTransport:
    """Records every send; refuses to be asked for the network."""

    def __init__(self, groups: tuple[Group, ...] = GROUPS) -> None:
        self.groups = list(groups)
        self.sent: list[Sent] = []
        self.fail_with: Exception | None = None  # for sends to groups
        self.fail_replies_with: Exception | None = None  # for sends to the owner
        self.groups_error: Exception | None = None
        self.started = False
        self.connected = True
        self.on_message: MessageHandler | None = None
        self.closed = asyncio.Event()
        self.sent_event = asyncio.Event()
        self.typing: list[tuple[str, bool]] = []  # set_typing calls, (chat, typing)
        # set_typing calls and successful sends in the order they happened:
        # ("typing", chat, True/False) and ("sent", chat, None)
        self.timeline: list[tuple[str, str, bool | None]] = []
        # set_typing raises this after recording the call (the interface allows no failure
        # to reach a post: this checks that a caller ignores one all the same)
        self.typing_fails_with: Exception | None = None
        # When an established link was lost, the most recent last (ConnectionState.drops)
        self.drops: list[datetime] = []

    async def start(self, on_message: MessageHandler) -> None:
        self.on_message = on_message
        self.started = True

    async def stop(self) -> None:
        self.started = False
        self.closed.set()

    async def wait_closed(self) -> int:
        await self.closed.wait()
        return 0

    def owner_chat(self) -> str:
        return OWNER_CHAT

    def self_id(self) -> str:
        return OWNER

    def connection(self) -> ConnectionState:
        return ConnectionState(
            self.connected,
            "terhubung (uji)" if self.connected else "terputus (uji)",
            drops=tuple(self.drops),
            drops_total=len(self.drops),
        )

    async def send_text(self, chat: str, text: str, *, post_id: int | None = None) -> SentMessage:
        return self._record(Sent(chat, text, post_id=post_id))

    async def send_image(
        self, chat: str, image: Path, caption: str, *, post_id: int | None = None
    ) -> SentMessage:
        return self._record(Sent(chat, caption, image, post_id=post_id))

    async def send_media(
        self, chat: str, media: OutgoingMedia, *, post_id: int | None = None
    ) -> SentMessage:
        if media.kind is MediaKind.IMAGE:  # one path for photos, whoever sends them
            return await self.send_image(chat, media.path, media.caption, post_id=post_id)
        return self._record(Sent(chat, media.caption, media.path, post_id=post_id, media=media))

    async def send_mentioning_all(
        self, chat: str, content: str | OutgoingMedia, *, post_id: int | None = None
    ) -> SentMessage:
        if isinstance(content, str):
            return self._record(Sent(chat, content, post_id=post_id, mention_all=True))
        sent = Sent(chat, content.caption, content.path, post_id, media=content, mention_all=True)
        return self._record(sent)

    async def send_poll(
        self, chat: str, poll: PollSpec, *, post_id: int | None = None
    ) -> SentMessage:
        return self._record(Sent(chat, poll.question, post_id=post_id, poll=poll))

    async def list_groups(self) -> list[Group]:
        if self.groups_error:
            raise self.groups_error
        return list(self.groups)

    async def set_typing(self, chat: str, typing: bool) -> None:
        self.typing.append((chat, typing))
        self.timeline.append(("typing", chat, typing))
        if self.typing_fails_with is not None:
            raise self.typing_fails_with

    def _record(self, sent: Sent) -> SentMessage:
        failure = self.fail_replies_with if sent.chat == OWNER_CHAT else self.fail_with
        if not self.connected:
            failure = TransportError("tidak terhubung (uji)", disconnected=True)
        if failure is not None:
            raise failure
        self.sent.append(sent)
        self.timeline.append(("sent", sent.chat, None))
        self.sent_event.set()
        return SentMessage(f"wa-{next(_ids)}", sent.at)

    # --- helpers for assertions ---
    def replies(self) -> list[str]:
        return [s.text for s in self.sent if s.chat == OWNER_CHAT]

    def posts(self) -> list[Sent]:
        return [s for s in self.sent if s.chat != OWNER_CHAT]

    def last_reply(self) -> str:
        replies = self.replies()
        assert replies, "the bot sent no reply"
        return replies[-1]


def make_message(
    text: str,
    *,
    sender: str = OWNER,
    chat: str | None = None,
    from_me: bool = True,
    is_group: bool = False,
    image: bytes | None = None,
    quoted_image: bytes | None = None,
    timestamp: datetime | None = None,
) -> IncomingMessage:
    def ref(data: bytes | None) -> MediaRef | None:
        if data is None:
            return None

        async def fetch() -> bytes:
            return data

        return MediaRef("image/jpeg", fetch)

    sender_jid = sender if "@" in sender else f"{sender}@s.whatsapp.net"  # or '123@lid'
    return IncomingMessage(
        chat=chat or sender_jid,
        sender=sender_jid,
        text=text,
        message_id=f"msg-{next(_ids)}",
        timestamp=timestamp or datetime.now(UTC),
        from_me=from_me,
        is_group=is_group,
        media=ref(image),
        quoted_media=ref(quoted_image),
    )


async def eventually(predicate: Callable[[], object], limit: float = 3.0) -> None:
    """Wait (polling every 10 ms) until `predicate()` holds; fail after `limit` seconds."""
    deadline = asyncio.get_running_loop().time() + limit
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


class NetworkRefused(AssertionError):
    pass


def refuse_network() -> None:
    """Make any socket connect to a non-local address fail loudly during tests."""
    original = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> None:
        host = address[0] if isinstance(address, tuple) else address
        if (
            isinstance(host, str)
            and host not in ("127.0.0.1", "::1", "localhost")
            and self.family in (socket.AF_INET, socket.AF_INET6)
        ):
            raise NetworkRefused(f"test tried to reach the network: {address!r}")
        original(self, address)  # type: ignore[arg-type]

    socket.socket.connect = guarded  # type: ignore[method-assign,assignment]


class SendFailure(TransportError):
    pass


class StampedTransport(FakeTransport):
    """Notes the time on `clock` (a wall clock that may step) of every text it sends."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        super().__init__()
        self.clock = clock
        self.stamped: list[tuple[int | None, str, datetime]] = []  # post id (None: not a post)

    async def send_text(self, chat: str, text: str, *, post_id: int | None = None) -> SentMessage:
        self.stamped.append((post_id, text, self.clock()))
        return await super().send_text(chat, text, post_id=post_id)

    @property
    def post_stamps(self) -> list[tuple[int, str, datetime]]:
        """What went out as posts: (post id, text, time)."""
        return [(p, text, at) for p, text, at in self.stamped if p is not None]
