"""Videos, documents, audio files and voice notes through the WhatsApp transport and the
neonize/whatsmeow simulator (tests/wasim): what the owner sends or replies to arrives as
neonize would hand it over, is queued, and goes out as the same kind of waE2E message, its file
uploaded for that message's media type (a receiver derives the keys from the type: the sent
file must download through the message, as a group member's phone would)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from neonize.exc import DownloadError
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import ContextInfo, ExtendedTextMessage, Message

from bot import messages as m
from bot.models import MediaKind
from tests import mediafiles as f
from tests.conftest import SATURDAY_EVENING
from tests.test_whatsapp_transport import WaBot, group_jid, start
from tests.vclock import VirtualClock
from tests.wasim import WhatsAppSim, reset_event_loop
from tests.wasim.protos import UPLOAD_TYPE_OF

GROUP = "Grup Pengumuman"


@pytest.fixture
async def wabot(tmp_path: Path) -> AsyncIterator[WaBot]:
    clock = VirtualClock(SATURDAY_EVENING)
    reset_event_loop()
    world = WhatsAppSim(clock)
    world.add_group(GROUP)
    bot = await start(tmp_path, world, clock, "self")
    try:
        await bot.say("/tujuan 1")
        yield bot
        await bot.app.stop()
    finally:
        await world.aclose()
        reset_event_loop()


def reply_to(quoted: Message, text: str) -> Message:
    return Message(
        extendedTextMessage=ExtendedTextMessage(
            text=text, contextInfo=ContextInfo(stanzaID="QUOTED1", quotedMessage=quoted)
        )
    )


async def send_now(wabot: WaBot, post_id: int) -> Message:
    """/kirim the post; the waE2E message WhatsApp accepted for the group."""
    group = group_jid(wabot.world, GROUP)
    await wabot.say(f"/kirim {post_id}")
    await wabot.clock.until(lambda: any(s.to == group for s in wabot.world.sent))
    [sent] = [s for s in wabot.world.sent if s.to == group]
    assert sent.message is not None
    return sent.message


async def downloaded(wabot: WaBot, message: Message, field: str) -> bytes:
    """The file as a group member would download it through the message it came in."""
    part = getattr(message, field)
    assert wabot.world.media_types[part.directPath] == UPLOAD_TYPE_OF[field]
    data: bytes = await wabot.transport.client.download_any(Message(**{field: part}))
    return data


async def test_a_video_goes_out_as_a_video_with_caption_and_duration(wabot: WaBot):
    data = f.mp4(12)
    reply = await wabot.say(wabot.world.video(data, "/jadwal besok 08:00 Video promo", 12))
    assert reply.startswith("#1 terjadwal (video)")
    sent = await send_now(wabot, 1)
    video = sent.videoMessage
    assert [d.name for d, _ in sent.ListFields()] == ["videoMessage"]
    assert (video.mimetype, video.caption, video.seconds, video.fileLength) == (
        "video/mp4",
        "Video promo",
        12,
        len(data),
    )
    assert await downloaded(wabot, sent, "videoMessage") == data


async def test_a_document_keeps_its_name_type_and_caption(wabot: WaBot):
    message = wabot.world.document(
        f.PDF, "Jadwal Ronda.pdf", "application/pdf", "/jadwal besok 08:00 Jadwal ronda"
    )
    assert (await wabot.say(message)).startswith("#1 terjadwal (dokumen)")
    sent = await send_now(wabot, 1)
    document = sent.documentMessage
    assert (document.fileName, document.mimetype, document.caption) == (
        "Jadwal Ronda.pdf",
        "application/pdf",
        "Jadwal ronda",
    )
    assert await downloaded(wabot, sent, "documentMessage") == f.PDF


@pytest.mark.parametrize(
    ("voice", "data", "mime", "seconds", "shown"),
    [
        (True, f.ogg(7), "audio/ogg; codecs=opus", 7, "pesan suara"),
        (False, f.mp3(), "audio/mpeg", 0, "audio"),
    ],
    ids=["voice-note", "audio-file"],
)
async def test_a_replied_to_audio_stays_audio_and_a_voice_note_stays_a_voice_note(
    wabot: WaBot, voice: bool, data: bytes, mime: str, seconds: int, shown: str
):
    quoted = wabot.world.audio(data, voice=voice, seconds=seconds)
    reply = await wabot.say(reply_to(quoted, "/jadwal besok 08:00"))
    assert reply.startswith(f"#1 terjadwal ({shown})")
    post = await wabot.app.store.get_post(1)
    assert post is not None
    assert post.media_kind is (MediaKind.VOICE if voice else MediaKind.AUDIO)
    sent = await send_now(wabot, 1)
    audio = sent.audioMessage
    assert (audio.PTT, audio.mimetype, audio.seconds) == (voice, mime, seconds)
    assert await downloaded(wabot, sent, "audioMessage") == data


async def test_a_caption_on_a_voice_note_is_refused_and_nothing_is_downloaded(wabot: WaBot):
    quoted = wabot.world.audio(f.ogg(), voice=True)
    downloads_before = len(wabot.world.media)
    reply = await wabot.say(reply_to(quoted, "/jadwal besok 08:00 Dengarkan"))
    assert reply == m.MEDIA_NO_CAPTION.format(kind="pesan suara")
    assert await wabot.app.store.all_posts() == [] and len(wabot.world.media) == downloads_before


async def test_a_forwarded_webm_video_is_refused_with_the_reason(wabot: WaBot):
    reply = await wabot.say(wabot.world.video(f.WEBM, "/jadwal besok 08:00 Klip"))
    assert reply == m.MEDIA_WRONG_TYPE.format(kind="video", type="WebM", accepted="3GP, MP4")
    assert await wabot.app.store.all_posts() == []


async def test_a_file_uploaded_for_another_type_cannot_be_downloaded(wabot: WaBot):
    # the simulator's side of the rule the transport follows (whatsmeow download.go
    # validateMedia): keys derived for a document do not open the file as a video
    message = wabot.world.document(f.mp4(), "klip.mp4", "video/mp4")
    part = message.documentMessage
    with pytest.raises(DownloadError, match="invalid media hmac"):
        await wabot.transport.client.download_any(
            Message(videoMessage={"directPath": part.directPath, "mediaKey": part.mediaKey})
        )
