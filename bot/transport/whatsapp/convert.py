"""neonize MessageEv -> the core's plain IncomingMessage. No client calls here."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from neonize.proto.Neonize_pb2 import JID
from neonize.proto.Neonize_pb2 import Message as MessageEv
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import ContextInfo, Message

from bot.models import IncomingMessage, MediaRef

Downloader = Callable[[Message], Awaitable[bytes]]

# Media kinds the bot cannot post yet, named for the owner's reply.
UNSUPPORTED_MEDIA = (("videoMessage", "video"), ("documentMessage", "dokumen"),
                     ("audioMessage", "audio"), ("stickerMessage", "stiker"))


def jid_text(jid: JID) -> str:
    """'628123@s.whatsapp.net' (device suffix dropped: one person, one address)."""
    return f"{jid.User}@{jid.Server}" if jid.User else ""


def _timestamp(raw: int) -> datetime:
    # neonize has sent seconds and, in later versions, milliseconds.
    seconds = raw / 1000 if raw > 10**11 else raw
    return datetime.fromtimestamp(seconds, UTC) if raw else datetime.now(UTC)


def _context(message: Message) -> ContextInfo | None:
    for field in ("extendedTextMessage", "imageMessage", "videoMessage", "documentMessage"):
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


def unsupported_media(message: Message) -> str | None:
    return next((name for field, name in UNSUPPORTED_MEDIA if message.HasField(field)), None)


def to_incoming(event: MessageEv, download: Downloader) -> IncomingMessage:
    """Convert one event; media are not fetched here, only when a command asks for them."""
    info = event.Info
    source = info.MessageSource
    message = event.Message
    if message.HasField("ephemeralMessage"):  # disappearing-message chats wrap the real message
        message = message.ephemeralMessage.message
    context = _context(message)

    image = None
    if message.HasField("imageMessage"):
        own = Message(imageMessage=message.imageMessage)
        image = MediaRef(message.imageMessage.mimetype or "image/jpeg", lambda: download(own))
    quoted_image = None
    if context is not None and context.HasField("quotedMessage") and \
            context.quotedMessage.HasField("imageMessage"):
        quoted = Message(imageMessage=context.quotedMessage.imageMessage)
        quoted_image = MediaRef(quoted.imageMessage.mimetype or "image/jpeg",
                                lambda: download(quoted))

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
        image=image,
        quoted_image=quoted_image,
        forwarded=bool(context.isForwarded) if context is not None else False,
        unsupported_media=unsupported_media(message),
    )
