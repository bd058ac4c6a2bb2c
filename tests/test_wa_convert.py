"""Media in real neonize events: photos, videos, documents, audio and voice notes (their own
or quoted) become the core's MediaRef with what the message declares; view-once ones are
refused, photos sent as documents are posted as photos, other documents as documents, and
media WhatsApp no longer keeps asks the owner to send it again.

Events are real neonize protobufs (Neonize_pb2.Message around a waE2E.Message), round-tripped
through bytes as neonize does; /jadwal runs through the real dispatcher and store.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import pytest
from neonize.exc import DownloadError
from neonize.proto.Neonize_pb2 import Message as MessageEv
from neonize.proto.Neonize_pb2 import MessageInfo, MessageSource
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import (
    AudioMessage,
    ContextInfo,
    DocumentMessage,
    ExtendedTextMessage,
    FutureProofMessage,
    ImageMessage,
    Message,
    StickerMessage,
    VideoMessage,
)

from bot import messages as m
from bot.models import IncomingMessage, MediaKind, PostStatus
from bot.transport.base import MediaUnavailable, TransportError
from bot.transport.whatsapp.convert import to_incoming
from tests.conftest import SATURDAY_EVENING, Bot
from tests.fakes import JPEG, OWNER, PNG
from tests.wasim import jid

COMMAND = "/jadwal besok 09:00 Promo"


@dataclass
class Downloads:
    """neonize's `client.download_any` as the converter sees it: records what it was given."""

    data: bytes = JPEG
    error: str | None = None  # whatsmeow's text, raised as neonize.exc.DownloadError
    calls: list[Message] = field(default_factory=list)

    async def __call__(self, message: Message) -> bytes:
        self.calls.append(message)
        if self.error is not None:
            raise DownloadError(self.error)
        return self.data


def event(message: Message, **flags: bool) -> MessageEv:
    """The owner's own message, typed at the bot's clock, after neonize's bytes round trip."""
    owner = jid(OWNER)
    built = MessageEv(
        Info=MessageInfo(
            MessageSource=MessageSource(Chat=owner, Sender=owner, IsFromMe=True),
            ID="3EB0ABC",
            Timestamp=int(SATURDAY_EVENING.timestamp() * 1000),
        ),
        Message=message,
        **flags,
    )
    decoded = MessageEv()
    decoded.ParseFromString(built.SerializePartialToString())
    return decoded


def image(caption: str = "", *, view_once: bool = False) -> ImageMessage:
    return ImageMessage(
        caption=caption,
        mimetype="image/jpeg",
        directPath="/v/t62.7118-24/a",
        mediaKey=b"k" * 32,
        viewOnce=view_once,
    )


def document(mimetype: str, caption: str = "", name: str = "foto.jpg") -> DocumentMessage:
    return DocumentMessage(
        mimetype=mimetype,
        caption=caption,
        fileName=name,
        directPath="/v/t62.7119-24/d",
        mediaKey=b"d" * 32,
    )


def reply_to(quoted: Message, body: str = COMMAND) -> Message:
    return Message(
        extendedTextMessage=ExtendedTextMessage(
            text=body, contextInfo=ContextInfo(stanzaID="QUOTED1", quotedMessage=quoted)
        )
    )


def wrapped(kind: str, inner: Message) -> Message:
    return Message(**{kind: FutureProofMessage(message=inner)})


# --- view-once ---------------------------------------------------------------------------------

# whatsmeow events.go UnwrapRaw: v1 sets IsViewOnce; v2 also IsViewOnceV2; the v2 extension all
# three. The photo itself carries imageMessage.viewOnce.
OWN_VIEW_ONCE = [
    pytest.param(
        Message(imageMessage=image(COMMAND, view_once=True)), {"IsViewOnce": True}, id="v1"
    ),
    pytest.param(
        Message(imageMessage=image(COMMAND, view_once=True)),
        {"IsViewOnce": True, "IsViewOnceV2": True},
        id="v2",
    ),
    pytest.param(
        Message(imageMessage=image(COMMAND, view_once=True)),
        {"IsViewOnce": True, "IsViewOnceV2": True, "IsViewOnceV2Extension": True},
        id="v2-extension",
    ),
    pytest.param(Message(imageMessage=image(COMMAND)), {"IsViewOnceV2": True}, id="flag-only"),
    pytest.param(Message(imageMessage=image(COMMAND, view_once=True)), {}, id="media-mark-only"),
    pytest.param(
        wrapped("viewOnceMessageV2", Message(imageMessage=image(COMMAND))), {}, id="still-wrapped"
    ),
]


@pytest.mark.parametrize(("message", "flags"), OWN_VIEW_ONCE)
def test_own_view_once_photo_is_not_offered(message: Message, flags: dict[str, bool]):
    incoming = to_incoming(event(message, **flags), Downloads())
    assert incoming.text == COMMAND
    assert incoming.view_once and incoming.media is None
    assert not incoming.quoted_view_once and incoming.quoted_media is None


QUOTED_VIEW_ONCE = [
    pytest.param(
        wrapped("viewOnceMessage", Message(imageMessage=image(view_once=True))),
        id="viewOnceMessage",
    ),
    pytest.param(
        wrapped("viewOnceMessageV2", Message(imageMessage=image(view_once=True))),
        id="viewOnceMessageV2",
    ),
    pytest.param(
        wrapped("viewOnceMessageV2Extension", Message(imageMessage=image())),
        id="viewOnceMessageV2Extension",
    ),
    pytest.param(Message(imageMessage=image(view_once=True)), id="imageMessage.viewOnce"),
    pytest.param(
        wrapped("ephemeralMessage", wrapped("viewOnceMessageV2", Message(imageMessage=image()))),
        id="ephemeral-around-viewOnce",
    ),
]


@pytest.mark.parametrize("quoted", QUOTED_VIEW_ONCE)
def test_quoted_view_once_photo_is_not_offered(quoted: Message):
    incoming = to_incoming(event(reply_to(quoted)), Downloads())
    assert incoming.text == COMMAND
    assert incoming.quoted_view_once and incoming.quoted_media is None
    assert not incoming.view_once and incoming.media is None


async def test_quoted_ordinary_photo_is_offered_and_fetched_alone():
    downloads = Downloads()
    incoming = to_incoming(event(reply_to(Message(imageMessage=image()))), downloads)
    assert not incoming.quoted_view_once and incoming.quoted_media is not None
    assert not incoming.quoted_media.document
    assert await incoming.quoted_media.fetch() == JPEG
    [asked] = downloads.calls
    assert [f.name for f, _ in asked.ListFields()] == ["imageMessage"]
    assert asked.imageMessage.directPath == "/v/t62.7118-24/a"


# --- photos sent as documents ------------------------------------------------------------------


@pytest.mark.parametrize("mimetype", ["image/jpeg", "image/png", "IMAGE/JPEG"])
async def test_photo_sent_as_document_is_an_image(mimetype: str):
    downloads = Downloads()
    # neonize hands document-with-caption over unwrapped, flagged IsDocumentWithCaption
    incoming = to_incoming(
        event(Message(documentMessage=document(mimetype, COMMAND)), IsDocumentWithCaption=True),
        downloads,
    )
    assert incoming.text == COMMAND and incoming.unsupported_media is None
    assert incoming.media is not None and incoming.media.document
    assert incoming.media.mime == mimetype.lower()
    assert await incoming.media.fetch() == JPEG
    [asked] = downloads.calls
    assert [f.name for f, _ in asked.ListFields()] == ["documentMessage"]
    assert asked.documentMessage.directPath == "/v/t62.7119-24/d"


async def test_quoted_document_with_caption_photo_is_offered():
    downloads = Downloads()
    quoted = wrapped(
        "documentWithCaptionMessage", Message(documentMessage=document("image/png", "katalog"))
    )
    incoming = to_incoming(event(reply_to(quoted)), downloads)
    assert incoming.quoted_media is not None and incoming.quoted_media.document
    assert incoming.quoted_media.mime == "image/png"
    await incoming.quoted_media.fetch()
    assert downloads.calls[0].HasField("documentMessage")


def test_other_documents_are_documents_with_their_name_and_size():
    part = document("application/pdf", COMMAND, "brosur.pdf")
    part.fileLength = 123456
    incoming = to_incoming(event(Message(documentMessage=part)), Downloads())
    assert incoming.unsupported_media is None and incoming.media is not None
    media = incoming.media
    assert (media.kind, media.mime, media.file_name, media.size, media.document) == (
        MediaKind.DOCUMENT,
        "application/pdf",
        "brosur.pdf",
        123456,
        False,
    )


def test_a_photo_type_no_post_takes_stays_a_document():
    part = document("image/heic", COMMAND, "IMG_0001.HEIC")
    incoming = to_incoming(event(Message(documentMessage=part)), Downloads())
    assert incoming.media is not None and incoming.media.kind is MediaKind.DOCUMENT


async def test_own_video_carries_its_type_size_and_duration():
    downloads = Downloads(data=b"video")
    part = VideoMessage(
        caption=COMMAND,
        mimetype="video/mp4",
        directPath="/v/t62.7161-24/v",
        mediaKey=b"v" * 32,
        fileLength=2_000_000,
        seconds=31,
    )
    incoming = to_incoming(event(Message(videoMessage=part)), downloads)
    assert incoming.text == COMMAND and incoming.unsupported_media is None
    assert incoming.media is not None
    media = incoming.media
    assert (media.kind, media.mime, media.size, media.seconds) == (
        MediaKind.VIDEO,
        "video/mp4",
        2_000_000,
        31,
    )
    assert await media.fetch() == b"video"
    [asked] = downloads.calls
    assert [f.name for f, _ in asked.ListFields()] == ["videoMessage"]


@pytest.mark.parametrize(
    ("ptt", "kind"), [(True, MediaKind.VOICE), (False, MediaKind.AUDIO)], ids=["voice", "audio"]
)
async def test_quoted_audio_is_a_voice_note_when_push_to_talk(ptt: bool, kind: MediaKind):
    downloads = Downloads(data=b"OggS")
    quoted = AudioMessage(
        mimetype="audio/ogg; codecs=opus",
        directPath="/v/t62.7117-24/a",
        mediaKey=b"a" * 32,
        fileLength=5000,
        seconds=4,
        PTT=ptt,
    )
    incoming = to_incoming(event(reply_to(Message(audioMessage=quoted))), downloads)
    assert incoming.media is None and incoming.quoted_media is not None
    media = incoming.quoted_media
    assert (media.kind, media.mime, media.size, media.seconds) == (
        kind,
        "audio/ogg; codecs=opus",
        5000,
        4,
    )
    assert await media.fetch() == b"OggS"
    assert downloads.calls[0].audioMessage.PTT is ptt


def test_quoted_view_once_voice_note_is_not_offered():
    quoted = Message(audioMessage=AudioMessage(PTT=True, viewOnce=True, directPath="/v/x"))
    incoming = to_incoming(event(reply_to(quoted)), Downloads())
    assert incoming.quoted_view_once and incoming.quoted_media is None


def test_stickers_stay_unsupported():
    sticker = Message(stickerMessage=StickerMessage(mimetype="image/webp", directPath="/v/s"))
    incoming = to_incoming(event(sticker), Downloads())
    assert incoming.media is None and incoming.unsupported_media == "stiker"


# --- photos WhatsApp no longer keeps -------------------------------------------------------------


# errors.go:121 DownloadHTTPError "download failed with status code %d" (download.go:269-271
# stops at once on 403/404/410); errors.go:134 ErrNoURLPresent.
@pytest.mark.parametrize(
    "whatsmeow_says",
    [
        "download failed with status code 404",
        "download failed with status code 410",
        "download failed with status code 403",
        "no url present",
    ],
)
async def test_expired_photo_becomes_media_unavailable(whatsmeow_says: str):
    incoming = to_incoming(
        event(reply_to(Message(imageMessage=image()))), Downloads(error=whatsmeow_says)
    )
    assert incoming.quoted_media is not None
    with pytest.raises(MediaUnavailable) as raised:
        await incoming.quoted_media.fetch()
    assert whatsmeow_says in raised.value.reason


async def test_other_download_failure_is_not_called_expired():
    # download.go:275 after every media host failed
    says = "failed to download media from last host: download failed with status code 503"
    incoming = to_incoming(event(reply_to(Message(imageMessage=image()))), Downloads(error=says))
    assert incoming.quoted_media is not None
    with pytest.raises(TransportError) as raised:
        await incoming.quoted_media.fetch()
    assert not isinstance(raised.value, MediaUnavailable) and raised.value.transient


# --- /jadwal through the dispatcher ----------------------------------------------------------


async def schedule(
    bot: Bot, message: Message, downloads: Downloads | None = None, **flags: bool
) -> str:
    incoming: IncomingMessage = to_incoming(event(message, **flags), downloads or Downloads())
    before = len(bot.transport.replies())
    assert bot.app.dispatcher is not None
    await bot.app.dispatcher.dispatch(incoming)
    replies = bot.transport.replies()
    assert len(replies) == before + 1, replies[before:]
    return replies[-1]


async def queued(bot: Bot) -> int:
    return (await bot.app.store.counts()).get(PostStatus.PENDING, 0)


@pytest.mark.parametrize(
    ("message", "flags"),
    [
        (
            Message(imageMessage=image(COMMAND, view_once=True)),
            {"IsViewOnce": True, "IsViewOnceV2": True},
        ),
        (reply_to(wrapped("viewOnceMessageV2", Message(imageMessage=image(view_once=True)))), {}),
        (reply_to(Message(imageMessage=image(view_once=True))), {}),
    ],
    ids=["own", "quoted-wrapped", "quoted-marked"],
)
async def test_view_once_photo_is_refused(
    bot_with_target: Bot, message: Message, flags: dict[str, bool]
):
    downloads = Downloads()
    assert await schedule(bot_with_target, message, downloads, **flags) == m.MEDIA_VIEW_ONCE
    assert downloads.calls == [] and await queued(bot_with_target) == 0


async def test_photo_sent_as_document_is_scheduled_and_stored(bot_with_target: Bot):
    reply = await schedule(
        bot_with_target,
        Message(documentMessage=document("image/png", COMMAND)),
        Downloads(data=PNG),
        IsDocumentWithCaption=True,
    )
    assert reply.startswith("#1 terjadwal (foto) Minggu, 22 Nov 2026 09:00 WIB")
    post = await bot_with_target.app.store.get_post(1)
    assert post is not None and post.text == "Promo" and post.media_mime == "image/png"
    name = f"{hashlib.sha256(PNG).hexdigest()}.png"
    assert post.media_path == name
    assert (bot_with_target.app.settings.media_dir / name).read_bytes() == PNG


@pytest.mark.parametrize(
    ("mimetype", "name", "data"),
    [
        ("application/pdf", "brosur.pdf", b"%PDF-1.7 brosur"),
        # a photo type no post takes (HEIC): sent as the document it came as, name and all
        ("image/heic", "IMG_0001.HEIC", b"\x00\x00\x00\x18ftypheic"),
        # declared a JPEG, but not one: a document too, not refused
        ("image/jpeg", "rusak.jpg", b"not a jpeg"),
    ],
    ids=["pdf", "heic", "false-jpeg"],
)
async def test_document_is_scheduled_as_a_document_with_its_name(
    bot_with_target: Bot, mimetype: str, name: str, data: bytes
):
    reply = await schedule(
        bot_with_target,
        Message(documentMessage=document(mimetype, COMMAND, name)),
        Downloads(data=data),
        IsDocumentWithCaption=True,
    )
    assert reply.startswith("#1 terjadwal (dokumen) Minggu, 22 Nov 2026 09:00 WIB")
    post = await bot_with_target.app.store.get_post(1)
    assert post is not None and post.text == "Promo"
    assert (post.media_kind, post.media_filename, post.media_mime) == (
        MediaKind.DOCUMENT,
        name,
        mimetype,
    )
    assert post.media_path is not None
    assert (bot_with_target.app.settings.media_dir / post.media_path).read_bytes() == data


async def test_a_voice_note_with_text_is_refused_before_it_is_downloaded(bot_with_target: Bot):
    downloads = Downloads()
    voice = AudioMessage(PTT=True, mimetype="audio/ogg; codecs=opus", directPath="/v/t62/a")
    reply = await schedule(bot_with_target, reply_to(Message(audioMessage=voice)), downloads)
    assert reply == m.MEDIA_NO_CAPTION.format(kind="pesan suara")
    assert downloads.calls == [] and await queued(bot_with_target) == 0


async def test_a_video_declared_too_big_is_refused_before_it_is_downloaded(bot_with_target: Bot):
    downloads = Downloads()
    video = VideoMessage(
        caption=COMMAND, mimetype="video/mp4", directPath="/v/t62/v", fileLength=40_000_000
    )
    reply = await schedule(bot_with_target, Message(videoMessage=video), downloads)
    assert reply == m.MEDIA_TOO_BIG.format(Kind="Video", kind="video", size="40,0", limit=16)
    assert downloads.calls == [] and await queued(bot_with_target) == 0


async def test_expired_quoted_photo_asks_for_it_again(bot_with_target: Bot):
    downloads = Downloads(error="download failed with status code 410")
    reply = await schedule(bot_with_target, reply_to(Message(imageMessage=image())), downloads)
    assert reply == m.MEDIA_EXPIRED.format(Kind="Foto", kind="foto")
    assert "Kirim ulang fotonya" in reply
    assert len(downloads.calls) == 1 and await queued(bot_with_target) == 0
