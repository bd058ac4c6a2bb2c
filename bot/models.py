"""Plain data shared by every layer: messages in, posts in the queue, groups."""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime


class PostStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"
    MISSED = "missed"
    UNCERTAIN = "uncertain"


# Every allowed move of the post state machine. A transition not listed here is a bug.
TRANSITIONS: dict[PostStatus, frozenset[PostStatus]] = {
    PostStatus.PENDING: frozenset({PostStatus.SENDING, PostStatus.CANCELLED, PostStatus.MISSED}),
    PostStatus.SENDING: frozenset(
        {PostStatus.SENT, PostStatus.FAILED, PostStatus.UNCERTAIN, PostStatus.PENDING}
    ),
    PostStatus.SENT: frozenset(),
    PostStatus.FAILED: frozenset({PostStatus.PENDING}),
    PostStatus.CANCELLED: frozenset(),
    PostStatus.MISSED: frozenset({PostStatus.PENDING}),
    PostStatus.UNCERTAIN: frozenset({PostStatus.PENDING, PostStatus.SENT}),
}


@dataclass(frozen=True)
class MediaRef:
    """An image attached to an incoming message; fetched only when a command needs it."""

    mime: str
    fetch: Callable[[], Awaitable[bytes]]
    document: bool = False  # sent "as a document": an image by its declared type only


@dataclass(frozen=True)
class IncomingMessage:
    """One message as the core sees it, whatever transport it came from."""

    chat: str
    sender: str
    text: str
    message_id: str
    timestamp: datetime
    from_me: bool = False
    is_group: bool = False
    image: MediaRef | None = None
    quoted_image: MediaRef | None = None
    forwarded: bool = False
    unsupported_media: str | None = None  # e.g. "video": media the bot cannot post yet
    # The sender's other address when the transport knows it (their LID when `sender` is
    # their phone JID): owners may be listed under either.
    sender_alt: str = ""
    view_once: bool = False  # this message's own photo/video is view-once (never posted)
    quoted_view_once: bool = False  # the message it replies to is a view-once photo/video


@dataclass(frozen=True)
class Group:
    jid: str
    name: str
    announce: bool = False  # only admins may send messages there
    admin: bool = False  # the bot's own account is an admin of the group

    @property
    def admin_only(self) -> bool:
        """Only admins may send and the bot is none: WhatsApp may accept a post there and
        never show it."""
        return self.announce and not self.admin


@dataclass(frozen=True)
class SentMessage:
    message_id: str
    timestamp: datetime


@dataclass
class Post:
    id: int
    status: PostStatus
    due_at: datetime
    text: str
    destination: str
    destination_name: str
    created_at: datetime
    media_path: str | None = None
    media_mime: str | None = None
    sent_at: datetime | None = None
    wa_message_id: str | None = None
    last_error: str | None = None
    repeat_rule: str | None = None  # bot.repeat.RepeatRule.to_text() of a repeating post
    series_id: int | None = None  # id of the series' first occurrence
