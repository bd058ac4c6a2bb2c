"""Plain data shared by every layer: messages in, posts in the queue, groups."""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
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
    # sent late after all (/ulang, /terlewat kirim), or dropped (/terlewat buang)
    PostStatus.MISSED: frozenset({PostStatus.PENDING, PostStatus.CANCELLED}),
    PostStatus.UNCERTAIN: frozenset({PostStatus.PENDING, PostStatus.SENT}),
}

# Status groups, defined once: SQL lists are built from these (bot.storebase.status_list).
# Waiting for its turn or on its way.
OPEN = frozenset({PostStatus.PENDING, PostStatus.SENDING})
# Over, one way or another, and not by the owner's cancel: listed by /riwayat; a series
# queues its next occurrence after one of these.
FINISHED = frozenset({PostStatus.SENT, PostStatus.FAILED, PostStatus.MISSED, PostStatus.UNCERTAIN})
# Not (surely) delivered, and /ulang sends it again.
RETRYABLE = frozenset({PostStatus.FAILED, PostStatus.MISSED, PostStatus.UNCERTAIN})
# May still be sent (now, later, or again by /ulang): its media must be kept.
MAY_BE_SENT = OPEN | RETRYABLE

# A post's own status summed up from its deliveries: the first of these that any delivery
# has; else cancelled when every delivery was cancelled, else sent.
_AGGREGATE_ORDER = (
    PostStatus.SENDING,
    PostStatus.PENDING,
    PostStatus.UNCERTAIN,
    PostStatus.FAILED,
    PostStatus.MISSED,
)


def aggregate_status(statuses: Iterable[PostStatus]) -> PostStatus:
    """The status of a post whose deliveries have `statuses`."""
    found = set(statuses)
    for status in _AGGREGATE_ORDER:
        if status in found:
            return status
    return PostStatus.SENT if PostStatus.SENT in found else PostStatus.CANCELLED


class MediaKind(enum.StrEnum):
    IMAGE = "image"
    VIDEO = "video"
    DOCUMENT = "document"
    AUDIO = "audio"
    VOICE = "voice"


@dataclass(frozen=True)
class MediaRef:
    """Media attached to an incoming message; fetched only when a command needs it. Size and
    duration are what the message declares (None when it says nothing)."""

    mime: str
    fetch: Callable[[], Awaitable[bytes]]
    document: bool = False  # an image sent "as a document": an image by its declared type only
    kind: MediaKind = MediaKind.IMAGE
    file_name: str = ""
    size: int | None = None
    seconds: int | None = None


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
    media: MediaRef | None = None
    quoted_media: MediaRef | None = None  # the media of the message this one replies to
    forwarded: bool = False
    unsupported_media: str | None = None  # e.g. "stiker": media the bot cannot post
    # The sender's other address when the transport knows it (their LID when `sender` is
    # their phone JID): owners may be listed under either.
    sender_alt: str = ""
    view_once: bool = False  # this message's own media is view-once (never posted)
    quoted_view_once: bool = False  # the message it replies to is view-once media
    quoted_id: str = ""  # the id of the message this one replies to ("" when none)
    quoted_text: str = ""  # that message's text, or its media's caption
    quoted_from_bot: bool = False  # the message it replies to is one the bot sent


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


@dataclass(frozen=True)
class Delivery:
    """One post to one group: each group's send is claimed, sent and recorded on its own."""

    id: int
    position: int  # groups are sent in this order, 0 first
    destination: str
    destination_name: str
    status: PostStatus
    updated_at: datetime
    sent_at: datetime | None = None
    wa_message_id: str | None = None
    last_error: str | None = None

    @property
    def name(self) -> str:
        return self.destination_name or self.destination


@dataclass(frozen=True)
class PostContent:
    """What a post carries to its groups: its text (a media post's caption), its media (the
    stored file's name, its type and kind, a document's name), whether it mentions every
    member ("@semua": bot.mentions), or the poll it is (bot.pollspec.PollSpec.to_text())."""

    text: str
    media_path: str | None = None
    media_mime: str | None = None
    media_kind: MediaKind | None = None  # None: no media (with a media_path: an image)
    media_filename: str | None = None  # the name a document is sent with
    mention_all: bool = False
    poll: str | None = None


@dataclass
class Post:
    """A queued post. Its groups and what happened in each are its deliveries (position
    order); `status` sums them up (aggregate_status)."""

    id: int
    status: PostStatus
    due_at: datetime
    text: str
    created_at: datetime
    media_path: str | None = None
    media_mime: str | None = None
    media_kind: MediaKind | None = None  # None: no media
    media_filename: str | None = None  # the name a document is sent with
    repeat_rule: str | None = None  # bot.repeat.RepeatRule.to_text() of a repeating post
    series_id: int | None = None  # id of the series' first occurrence
    deliveries: list[Delivery] = field(default_factory=list)
    mention_all: bool = False  # mentions every member of each group ("@semua": bot.mentions)
    poll: str | None = None  # a poll: bot.pollspec.PollSpec.to_text(); None for a plain post

    @property
    def content(self) -> PostContent:
        """What it carries: what a copy of it (a series' next occurrence) is queued with."""
        return PostContent(
            self.text,
            self.media_path,
            self.media_mime,
            self.media_kind,
            self.media_filename,
            self.mention_all,
            self.poll,
        )

    @property
    def destination(self) -> str:
        """The JID of the post's first group: the one group of a post claimed for sending
        (bot.store.Store.claim_due hands over the post with that delivery only)."""
        return self.deliveries[0].destination if self.deliveries else ""

    @property
    def destination_name(self) -> str:
        """Every group's name, in order: 'Grup A, Grup B'."""
        return ", ".join(d.name for d in self.deliveries)

    @property
    def destinations(self) -> list[tuple[str, str]]:
        """Its groups as (jid, name), in order: what a copy of it is queued to."""
        return [(d.destination, d.destination_name) for d in self.deliveries]

    @property
    def sent_at(self) -> datetime | None:
        """When the last group got it."""
        return max((d.sent_at for d in self.deliveries if d.sent_at), default=None)

    @property
    def wa_message_id(self) -> str | None:
        """WhatsApp's id of the message in the first group that got it."""
        return next((d.wa_message_id for d in self.deliveries if d.wa_message_id), None)

    @property
    def last_error(self) -> str | None:
        """Why it did not go out: the first group's error that is not sent (else any)."""
        unsent = [d.last_error for d in self.deliveries if d.status is not PostStatus.SENT]
        return next((e for e in unsent if e), None) or next(
            (d.last_error for d in self.deliveries if d.last_error), None
        )

    def with_status(self, *statuses: PostStatus) -> list[Delivery]:
        return [d for d in self.deliveries if d.status in statuses]
