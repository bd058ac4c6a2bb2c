"""neonize MessageEv -> the core's plain IncomingMessage. No client calls here.

neonize hands over the message whatsmeow unwrapped (events.go `UnwrapRaw`: ephemeral,
view-once v1/v2/v2-extension, document-with-caption, edit), with flags on the event
(IsViewOnce, IsViewOnceV2, IsViewOnceV2Extension, IsDocumentWithCaption). A QUOTED message
(ContextInfo.quotedMessage) is not unwrapped by anyone, so the same wrappers are peeled here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from neonize.exc import DownloadError
from neonize.proto.Neonize_pb2 import JID
from neonize.proto.Neonize_pb2 import Message as MessageEv
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import ContextInfo, Message

from bot.mediarules import document_kind
from bot.models import IncomingMessage, MediaKind, MediaRef
from bot.transport.whatsapp.errors import download_error

Downloader = Callable[[Message], Awaitable[bytes]]

# Media kinds the bot cannot post, named for the owner's reply.
UNSUPPORTED_MEDIA = (
    ("stickerMessage", "stiker"),
    ("ptvMessage", "video bulat"),  # a round "video note"
)
# Wrappers around a message's content (FutureProofMessage.message), in whatsmeow's order.
_VIEW_ONCE = ("viewOnceMessage", "viewOnceMessageV2", "viewOnceMessageV2Extension")
_WRAPPERS = ("ephemeralMessage", *_VIEW_ONCE, "documentWithCaptionMessage")


PHONE_SERVER = "s.whatsapp.net"  # a person's phone address: '628123@s.whatsapp.net'
LID_SERVER = "lid"  # a person's private id: '98765@lid'


def jid_text(jid: JID) -> str:
    """'628123@s.whatsapp.net' (device suffix dropped: one person, one address)."""
    return f"{jid.User}@{jid.Server}" if jid.User else ""


def _timestamp(raw: int) -> datetime:
    # neonize has sent seconds and, in later versions, milliseconds.
    seconds = raw / 1000 if raw > 10**11 else raw
    return datetime.fromtimestamp(seconds, UTC) if raw else datetime.now(UTC)


def unwrap(message: Message) -> tuple[Message, bool]:
    """The content inside WhatsApp's wrappers, and whether one of them was view-once."""
    view_once = False
    for _ in range(len(_WRAPPERS)):  # each wrapper at most once; no cycle possible
        field = next(
            (
                f
                for f in _WRAPPERS
                if message.HasField(f) and getattr(message, f).HasField("message")
            ),
            None,
        )
        if field is None:
            break
        view_once = view_once or field in _VIEW_ONCE
        message = getattr(message, field).message
    # View-once media can also come bare, marked on the media itself.
    for media in ("imageMessage", "videoMessage", "audioMessage"):
        if message.HasField(media) and getattr(message, media).viewOnce:
            view_once = True
    return message, view_once


def _context(message: Message) -> ContextInfo | None:
    for field in (
        "extendedTextMessage",
        "imageMessage",
        "videoMessage",
        "documentMessage",
        "audioMessage",
    ):
        if message.HasField(field):
            inner = getattr(message, field)
            return inner.contextInfo if inner.HasField("contextInfo") else None
    return None


def message_text(message: Message) -> str:
    if message.conversation:
        return str(message.conversation)
    for field in ("extendedTextMessage",):
        if message.HasField(field):
            return str(message.extendedTextMessage.text)
    for field in ("imageMessage", "videoMessage", "documentMessage"):
        if message.HasField(field):
            return str(getattr(message, field).caption)
    return ""


def _mime(declared: str) -> str:
    return declared.split(";")[0].strip().lower()


def unsupported_media(message: Message) -> str | None:
    return next((name for field, name in UNSUPPORTED_MEDIA if message.HasField(field)), None)


def _fetcher(download: Downloader, message: Message) -> Callable[[], Awaitable[bytes]]:
    async def fetch() -> bytes:
        try:
            return await download(message)
        except DownloadError as exc:  # whatsmeow's text, e.g. "... status code 404"
            raise download_error(str(exc)) from exc

    return fetch


def _size(part: Any) -> int | None:
    return int(part.fileLength) if part.HasField("fileLength") else None


def _seconds(part: Any) -> int | None:
    return int(part.seconds) if part.HasField("seconds") else None


def _media(message: Message, download: Downloader) -> MediaRef | None:
    """What to fetch for the media in `message` (each fetch asks for a Message holding only
    that part), with what the message declares about it."""
    if message.HasField("imageMessage"):
        part = message.imageMessage
        return MediaRef(
            part.mimetype or "image/jpeg",
            _fetcher(download, Message(imageMessage=part)),
            size=_size(part),
        )
    if message.HasField("videoMessage"):
        part = message.videoMessage
        return MediaRef(
            _mime(part.mimetype) or "video/mp4",
            _fetcher(download, Message(videoMessage=part)),
            kind=MediaKind.VIDEO,
            size=_size(part),
            seconds=_seconds(part),
        )
    if message.HasField("audioMessage"):
        part = message.audioMessage
        return MediaRef(
            part.mimetype,
            _fetcher(download, Message(audioMessage=part)),
            kind=MediaKind.VOICE if part.PTT else MediaKind.AUDIO,
            size=_size(part),
            seconds=_seconds(part),
        )
    if message.HasField("documentMessage"):
        part = message.documentMessage
        mime = _mime(part.mimetype)
        kind = document_kind(mime)
        return MediaRef(
            mime,
            _fetcher(download, Message(documentMessage=part)),
            document=kind is MediaKind.IMAGE,
            kind=kind,
            file_name=str(part.fileName or part.title),
            size=_size(part),
        )
    return None


def _user(address: str) -> str:
    """'628123:4@s.whatsapp.net' -> '628123'."""
    return address.split("@", 1)[0].split(":", 1)[0]


def quoted_from_other_side(context: ContextInfo | None, source: Any) -> bool:
    """Whether the message quoted in a private chat was written by the other side of it: its
    author (ContextInfo.participant) is not the one who sent this message (by any address
    the event gives: Sender, SenderAlt, and the chat, which is them). For a message someone
    sent this account, the other side is the account itself: the owner quoted one of the
    bot's messages. A message the account sent itself (self mode, the owner's own chat)
    quotes the account whoever wrote it, so nothing is told from it here (False)."""
    if context is None or not context.participant or source.IsGroup or source.IsFromMe:
        return False
    theirs = {source.Sender.User, source.SenderAlt.User, source.Chat.User} - {""}
    return bool(theirs) and _user(str(context.participant)) not in theirs


def to_incoming(event: MessageEv, download: Downloader) -> IncomingMessage:
    """Convert one event; media are not fetched here, only when a command asks for them."""
    info = event.Info
    source = info.MessageSource
    message, wrapped_view_once = unwrap(event.Message)
    view_once = (
        wrapped_view_once or event.IsViewOnce or event.IsViewOnceV2 or event.IsViewOnceV2Extension
    )
    context = _context(message)

    # A reply carries the id of the message it answers and a copy of that message
    # (ContextInfo.stanzaID, .quotedMessage: what neonize's own reply builder fills in,
    # aioze/client.py `_make_quoted_message`: stanzaID=Info.ID, quotedMessage=Message).
    quoted_media = None
    quoted_view_once = False
    quoted_text = ""
    if context is not None and context.HasField("quotedMessage"):
        quoted, quoted_view_once = unwrap(context.quotedMessage)
        if not quoted_view_once:
            quoted_media = _media(quoted, download)
            quoted_text = message_text(quoted)

    # In "LID" addressing the sender is a private id; the phone number is in SenderAlt.
    sender = source.Sender
    if sender.Server == "lid" and source.HasField("SenderAlt") and source.SenderAlt.User:
        sender = source.SenderAlt
    return IncomingMessage(
        chat=jid_text(source.Chat),
        sender=jid_text(sender),
        text=message_text(message),
        message_id=str(info.ID),
        timestamp=_timestamp(int(info.Timestamp)),
        from_me=bool(source.IsFromMe),
        is_group=bool(source.IsGroup),
        media=None if view_once else _media(message, download),
        quoted_media=quoted_media,
        forwarded=bool(context.isForwarded) if context is not None else False,
        unsupported_media=unsupported_media(message),
        view_once=bool(view_once),
        quoted_view_once=quoted_view_once,
        quoted_id=str(context.stanzaID) if context is not None else "",
        quoted_text=quoted_text,
        quoted_from_bot=quoted_from_other_side(context, source)
        if context is not None and context.HasField("quotedMessage")
        else False,
    )
