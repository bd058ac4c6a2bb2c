"""Videos, documents, audio files and voice notes as posts, through the real dispatcher, store,
scheduler and delivery: each is queued and sent as its own kind; what WhatsApp would refuse
(too big, a type it does not take, a text on audio) is refused when it is scheduled."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot import messages as m
from bot.mediarules import MB
from bot.mediatypes import OPUS, seconds, sniff
from bot.models import IncomingMessage, MediaKind, MediaRef
from bot.transport.base import OutgoingMedia
from tests import mediafiles as f
from tests.conftest import Bot
from tests.fakes import eventually, make_message


def ref(
    kind: MediaKind,
    data: bytes,
    mime: str,
    *,
    file_name: str = "",
    size: int | None = None,
    fetched: list[bytes] | None = None,
) -> MediaRef:
    async def fetch() -> bytes:
        if fetched is not None:
            fetched.append(data)
        return data

    return MediaRef(mime, fetch, kind=kind, file_name=file_name, size=size)


async def say(bot: Bot, text: str, *, media: MediaRef | None = None, quoted: bool = False) -> str:
    """`text` from the owner, carrying `media` (or replying to a message that carries it)."""
    message: IncomingMessage = make_message(text, timestamp=bot.clock())
    message = replace(message, quoted_media=media) if quoted else replace(message, media=media)
    return await bot.send(message)


# --- reading types and durations -------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "mime", "length"),
    [
        (f.mp4(12), "video/mp4", 12),
        (f.iso_media(b"3gp5", seconds=5), "video/3gpp", 5),
        (f.m4a(30), "audio/mp4", 30),
        (f.iso_media(b"mp42", seconds=9, tracks=(b"soun",)), "audio/mp4", 9),
        (f.quicktime(), "video/quicktime", 12),
        (f.ogg(7), OPUS, 7),
        (f.ogg(3, codec=b"vorbis"), "audio/ogg", None),
        (f.mp3(), "audio/mpeg", None),
        (f.PDF, "application/pdf", None),
        (f.WAV, "audio/wav", None),
        (f.WEBM, "video/webm", None),
    ],
    ids=[
        "mp4",
        "3gp",
        "m4a",
        "audio-only-mp4",
        "mov",
        "opus",
        "vorbis",
        "mp3",
        "pdf",
        "wav",
        "webm",
    ],
)
def test_type_and_duration_are_read_from_the_bytes(data: bytes, mime: str, length: int | None):
    assert sniff(data) == mime
    assert seconds(data, mime) == length


# --- each kind, scheduled and sent as that kind ---------------------------------------------


KINDS = [
    pytest.param(
        "/jadwal besok 09:00 Video promo",
        MediaKind.VIDEO,
        f.mp4(),
        "video/mp4",
        "",
        False,
        ("video", "video/mp4", "Video promo", ""),
        id="video-with-caption",
    ),
    pytest.param(
        "/jadwal besok 09:00 Brosur terbaru",
        MediaKind.DOCUMENT,
        f.PDF,
        "application/pdf",
        "Brosur Desember.pdf",
        False,
        ("dokumen", "application/pdf", "Brosur terbaru", "Brosur Desember.pdf"),
        id="document-keeps-its-name",
    ),
    pytest.param(
        "/jadwal besok 09:00",
        MediaKind.AUDIO,
        f.mp3(),
        "audio/mpeg",
        "",
        True,
        ("audio", "audio/mpeg", "", ""),
        id="quoted-audio",
    ),
    pytest.param(
        "/jadwal besok 09:00",
        MediaKind.VOICE,
        f.ogg(),
        "audio/ogg; codecs=opus",
        "",
        True,
        ("pesan suara", OPUS, "", ""),
        id="quoted-voice-note",
    ),
]


@pytest.mark.parametrize(("command", "kind", "data", "declared", "name", "quoted", "expect"), KINDS)
async def test_each_kind_is_queued_and_sent_as_that_kind(
    bot_with_target: Bot,
    command: str,
    kind: MediaKind,
    data: bytes,
    declared: str,
    name: str,
    quoted: bool,
    expect: tuple[str, str, str, str],
):
    bot = bot_with_target
    shown, mime, caption, file_name = expect
    media = ref(kind, data, declared, file_name=name, size=len(data))
    reply = await say(bot, command, media=media, quoted=quoted)
    assert reply.startswith(f"#1 terjadwal ({shown}) Minggu, 22 Nov 2026 09:00 WIB")
    post = await bot.app.store.get_post(1)
    assert post is not None and post.media_path is not None
    assert (post.media_kind, post.media_mime, post.media_filename) == (
        kind,
        mime,
        file_name or None,
    )
    stored = bot.app.settings.media_dir / post.media_path
    assert stored.read_bytes() == data
    await bot.say("/kirim 1")
    await eventually(lambda: bot.transport.posts())
    [sent] = bot.transport.posts()
    assert sent.media == OutgoingMedia(kind, stored, mime, caption, file_name)


# --- refused when scheduled -----------------------------------------------------------------


REFUSALS = [
    pytest.param(
        "/jadwal besok 09:00 Promo",
        ref(MediaKind.VIDEO, f.mp4(), "video/mp4", size=20 * MB),
        m.MEDIA_TOO_BIG.format(Kind="Video", kind="video", size="20,0", limit=16),
        False,
        id="video-declared-too-big",
    ),
    pytest.param(
        "/jadwal besok 09:00 Promo",
        ref(MediaKind.VIDEO, f.mp4() + bytes(16 * MB), "video/mp4"),
        m.MEDIA_TOO_BIG.format(Kind="Video", kind="video", size="16,0", limit=16),
        True,
        id="video-too-big-once-fetched",
    ),
    pytest.param(
        "/jadwal besok 09:00 Arsip",
        ref(MediaKind.DOCUMENT, f.PDF, "application/pdf", size=100 * MB + 1),
        m.MEDIA_TOO_BIG.format(Kind="Dokumen", kind="dokumen", size="100,0", limit=100),
        False,
        id="document-too-big",
    ),
    pytest.param(
        "/jadwal besok 09:00 Klip",
        ref(MediaKind.VIDEO, f.WEBM, "video/webm"),
        m.MEDIA_WRONG_TYPE.format(kind="video", type="WebM", accepted="3GP, MP4"),
        True,
        id="webm-video",
    ),
    pytest.param(
        "/jadwal besok 09:00 Klip",
        ref(MediaKind.VIDEO, f.quicktime(), "video/quicktime"),
        m.MEDIA_WRONG_TYPE.format(kind="video", type="MOV", accepted="3GP, MP4"),
        True,
        id="mov-video",
    ),
    pytest.param(
        "/jadwal besok 09:00",
        ref(MediaKind.VOICE, f.mp3(), "audio/mpeg"),
        m.MEDIA_WRONG_TYPE.format(kind="pesan suara", type="MP3", accepted="Ogg Opus"),
        True,
        id="mp3-voice-note",
    ),
    pytest.param(
        "/jadwal besok 09:00",
        ref(MediaKind.AUDIO, f.WAV, "audio/wav"),
        m.MEDIA_WRONG_TYPE.format(
            kind="audio", type="WAV", accepted="AAC, AMR, M4A, MP3, Ogg Opus"
        ),
        True,
        id="wav-audio",
    ),
    pytest.param(
        "/jadwal besok 09:00",
        ref(MediaKind.AUDIO, f.ogg(codec=b"vorbis"), "audio/ogg"),
        m.MEDIA_WRONG_TYPE.format(
            kind="audio", type="Ogg Vorbis", accepted="AAC, AMR, M4A, MP3, Ogg Opus"
        ),
        True,
        id="vorbis-audio",
    ),
    pytest.param(
        "/jadwal besok 09:00 Dengarkan ya",
        ref(MediaKind.AUDIO, f.mp3(), "audio/mpeg"),
        m.MEDIA_NO_CAPTION.format(kind="audio"),
        False,
        id="text-on-audio",
    ),
    pytest.param(
        "/jadwal besok 09:00 Pesan dari ketua",
        ref(MediaKind.VOICE, f.ogg(), OPUS),
        m.MEDIA_NO_CAPTION.format(kind="pesan suara"),
        False,
        id="text-on-voice-note",
    ),
]


@pytest.mark.parametrize(("command", "media", "reason", "fetches"), REFUSALS)
async def test_what_whatsapp_would_refuse_is_refused_when_scheduled(
    bot_with_target: Bot, command: str, media: MediaRef, reason: str, fetches: bool
):
    bot = bot_with_target
    fetched: list[bytes] = []
    media = ref(
        media.kind, await media.fetch(), media.mime, size=media.size, fetched=fetched
    )  # the same media, counting downloads
    assert await say(bot, command, media=media, quoted=True) == reason
    assert await bot.app.store.all_posts() == []
    media_dir = bot.app.settings.media_dir
    assert not media_dir.exists() or list(media_dir.iterdir()) == []
    assert bool(fetched) is fetches  # refused from the declaration: nothing downloaded


async def test_a_photo_sent_as_a_document_that_is_no_photo_goes_as_a_document(
    bot_with_target: Bot,
):
    media = MediaRef("image/jpeg", ref(MediaKind.IMAGE, f.PDF, "").fetch, document=True)
    media = replace(media, file_name="scan.jpg")
    reply = await say(bot_with_target, "/jadwal besok 09:00 Hasil scan", media=media)
    assert reply.startswith("#1 terjadwal (dokumen)")
    post = await bot_with_target.app.store.get_post(1)
    assert post is not None
    assert (post.media_kind, post.media_filename) == (MediaKind.DOCUMENT, "scan.jpg")
