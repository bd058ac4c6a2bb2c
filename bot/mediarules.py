"""What WhatsApp takes as each kind of media post: checked when the post is scheduled, so a
post WhatsApp would refuse is refused at once, with the reason, never at send time.

The figures are those of WhatsApp's Cloud API "Supported media types" (developers.facebook.com,
cloud-api/reference/media; the same table is reproduced in AWS End User Messaging Social's
"Supported media file types and sizes in WhatsApp"): video MP4/3GPP up to 16 MB (H.264 video,
AAC audio), audio AAC/AMR/MP3/M4A/Ogg-Opus up to 16 MB ("OPUS codecs only; base audio/ogg not
supported"), documents up to 100 MB. The bot sends as a linked device, not through the Cloud
API; no public source gives the linked-device limits, so the documented ones are applied.
Unsourced choices are marked as such; one of them: an empty (0-byte) file of any kind is
refused, having nothing to show.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot import messages as m
from bot.media import sniff_mime
from bot.mediatypes import OCTET_STREAM, OPUS, sniff
from bot.models import MediaKind, MediaRef

# The Cloud API writes "16 MB" without saying which MB; the smaller (10^6) is used.
MB = 1_000_000


@dataclass(frozen=True)
class MediaRule:
    types: frozenset[str] | None  # the types WhatsApp takes as this kind; None: any
    max_bytes: int | None  # None: not limited here
    caption: bool  # the message can carry the post's text


RULES: dict[MediaKind, MediaRule] = {
    # Photos keep the rules they had before the other kinds came: any JPEG/PNG/WebP/GIF (what
    # bot.media.sniff_mime knows), no size limit applied (unsourced: the Cloud API's 5 MB is
    # smaller than the HD photos WhatsApp's own apps send, and none was refused so far).
    MediaKind.IMAGE: MediaRule(None, None, caption=True),
    MediaKind.VIDEO: MediaRule(frozenset({"video/mp4", "video/3gpp"}), 16 * MB, caption=True),
    # Any type: the Cloud API lists PDF, Office and text files, but WhatsApp's apps send any
    # file as a document, and a document here is one the owner's phone already sent as one.
    MediaKind.DOCUMENT: MediaRule(None, 100 * MB, caption=True),
    # AudioMessage has no caption field (waE2E proto).
    MediaKind.AUDIO: MediaRule(
        frozenset({"audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", OPUS}),
        16 * MB,
        caption=False,
    ),
    # A voice note is an Ogg Opus AudioMessage with PTT set: WhatsApp's apps record them so
    # and play nothing else as one (unsourced beyond the Cloud API's Opus-only Ogg rule).
    MediaKind.VOICE: MediaRule(frozenset({OPUS}), 16 * MB, caption=False),
}

# How a type is named to the owner.
_TYPE_NAMES = {
    "video/mp4": "MP4",
    "video/3gpp": "3GP",
    "audio/aac": "AAC",
    "audio/amr": "AMR",
    "audio/mpeg": "MP3",
    "audio/mp4": "M4A",
    OPUS: "Ogg Opus",
    "audio/ogg": "Ogg Vorbis",
    "video/quicktime": "MOV",
    "video/webm": "WebM",
    "audio/wav": "WAV",
    "audio/flac": "FLAC",
    "video/x-msvideo": "AVI",
    "audio/amr-wb": "AMR-WB",
}


class MediaRefused(Exception):
    """WhatsApp would not take this media as a post; `reason` tells the owner why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Postable:
    """Media as it will be posted: its kind (a document that is no photo stays a document)
    and its type."""

    kind: MediaKind
    mime: str


# A document of one of these types is a photo sent "as a document" (full quality): posted as
# a photo, as before documents were posted (bot.media.sniff_mime knows these).
PHOTO_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif"})


def document_kind(mime: str) -> MediaKind:
    """What a document of type `mime` is posted as."""
    return (
        MediaKind.IMAGE if mime.split(";")[0].strip().lower() in PHOTO_TYPES else MediaKind.DOCUMENT
    )


def name(kind: MediaKind) -> str:
    return m.MEDIA_NAMES[kind.value]


def caption_refusal(kind: MediaKind | None, caption: str) -> str | None:
    """Why media of `kind` cannot carry `caption` (None: it can, or there is no media)."""
    if kind is None or not caption.strip() or RULES[kind].caption:
        return None
    return m.MEDIA_NO_CAPTION.format(kind=name(kind))


def check_message(ref: MediaRef, caption: str) -> None:
    """Refuse from what the message declares, before anything is downloaded."""
    if reason := caption_refusal(ref.kind, caption):
        raise MediaRefused(reason)
    if ref.size is not None:
        _check_size(ref.kind, ref.size)
        _check_not_empty(ref.kind, ref.size)


def check_content(ref: MediaRef, data: bytes) -> Postable:
    """The kind and type `data` is posted as; MediaRefused when WhatsApp would not take it."""
    kind = ref.kind
    _check_not_empty(kind, len(data))
    if kind is MediaKind.IMAGE:
        image = sniff_mime(data)
        if image is None and ref.document:  # a file sent as a document: it stays one
            return _document(ref, data)
        return Postable(kind, image or ref.mime)
    if kind is MediaKind.DOCUMENT:
        return _document(ref, data)
    _check_size(kind, len(data))
    found = sniff(data)
    types = RULES[kind].types
    if types is not None and found not in types:
        raise MediaRefused(
            m.MEDIA_WRONG_TYPE.format(
                kind=name(kind),
                type=_TYPE_NAMES.get(found or "", found or m.MEDIA_UNKNOWN_TYPE),
                accepted=", ".join(sorted(_TYPE_NAMES[t] for t in types)),
            )
        )
    assert found is not None
    return Postable(kind, found)


def _document(ref: MediaRef, data: bytes) -> Postable:
    _check_size(MediaKind.DOCUMENT, len(data))
    declared = ref.mime.split(";")[0].strip().lower()
    return Postable(MediaKind.DOCUMENT, declared or sniff(data) or OCTET_STREAM)


def _check_size(kind: MediaKind, size: int) -> None:
    limit = RULES[kind].max_bytes
    if limit is not None and size > limit:
        raise MediaRefused(
            m.MEDIA_TOO_BIG.format(
                Kind=name(kind).capitalize(),
                kind=name(kind),
                size=f"{size / MB:.1f}".replace(".", ","),
                limit=limit // MB,
            )
        )


def _check_not_empty(kind: MediaKind, size: int) -> None:
    if size == 0:
        raise MediaRefused(m.MEDIA_EMPTY.format(Kind=name(kind).capitalize()))
