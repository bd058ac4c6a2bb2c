"""Replies in real neonize events, and through the WhatsApp transport and its simulator.

A reply carries ContextInfo.stanzaID (the id of the message it answers) and quotedMessage (a
copy of it), as neonize's own reply builder fills them (neonize aioze/client.py
`_make_quoted_message`: stanzaID=message.Info.ID, quotedMessage=message.Message). The converter
turns them into IncomingMessage.quoted_id and quoted_text (the text, or a media's caption); the
transport's sends return WhatsApp's id of the bot's reply (SendResponse.ID), which is what a
later reply quotes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import (
    ContextInfo,
    DocumentMessage,
    ExtendedTextMessage,
    Message,
    VideoMessage,
)

from bot import messages as m
from bot.models import MediaKind, PostStatus
from bot.transport.whatsapp.convert import to_incoming
from tests import mediafiles as f
from tests.conftest import SATURDAY_EVENING
from tests.test_wa_convert import Downloads, event, image, reply_to, wrapped
from tests.test_whatsapp_transport import WaBot, start
from tests.vclock import VirtualClock
from tests.wasim import WhatsAppSim, reset_event_loop

QUOTED = [
    pytest.param(Message(conversation="Rapat RT malam ini"), "Rapat RT malam ini", id="plain"),
    pytest.param(
        Message(extendedTextMessage=ExtendedTextMessage(text="Link: https://x.id")),
        "Link: https://x.id",
        id="extended-text",
    ),
    pytest.param(Message(imageMessage=image("Promo foto")), "Promo foto", id="image-caption"),
    pytest.param(
        Message(videoMessage=VideoMessage(caption="Promo video", mimetype="video/mp4")),
        "Promo video",
        id="video-caption",
    ),
    pytest.param(
        Message(documentMessage=DocumentMessage(caption="Brosur", mimetype="application/pdf")),
        "Brosur",
        id="document-caption",
    ),
    pytest.param(
        wrapped("ephemeralMessage", Message(conversation="Pesan sementara")),
        "Pesan sementara",
        id="ephemeral-wrapped",
    ),
]


@pytest.mark.parametrize(("quoted", "text"), QUOTED)
def test_a_reply_carries_the_quoted_id_and_its_text(quoted: Message, text: str):
    message = to_incoming(event(reply_to(quoted, "/jadwal besok 08:00")), Downloads())
    assert (message.quoted_id, message.quoted_text) == ("QUOTED1", text)
    assert message.text == "/jadwal besok 08:00"


def test_a_view_once_quoted_message_gives_no_text():
    quoted = Message(imageMessage=image("Rahasia", view_once=True))
    message = to_incoming(event(reply_to(quoted)), Downloads())
    assert (message.quoted_id, message.quoted_text, message.quoted_view_once) == (
        "QUOTED1",
        "",
        True,
    )


def test_a_message_that_replies_to_nothing_has_no_quoted_id():
    forwarded = Message(
        extendedTextMessage=ExtendedTextMessage(
            text="/jadwal besok 08:00", contextInfo=ContextInfo(isForwarded=True)
        )
    )
    for message in (Message(conversation="/antrian"), forwarded):
        converted = to_incoming(event(message), Downloads())
        assert (converted.quoted_id, converted.quoted_text) == ("", "")


# --- through the transport and the simulator ------------------------------------------------


@pytest.fixture
async def wabot(tmp_path: Path) -> AsyncIterator[WaBot]:
    clock = VirtualClock(SATURDAY_EVENING)
    reset_event_loop()
    world = WhatsAppSim(clock)
    world.add_group("Grup Pengumuman")
    bot = await start(tmp_path, world, clock, "self")
    try:
        await bot.say("/tujuan 1")
        yield bot
        await bot.app.stop()
    finally:
        await world.aclose()
        reset_event_loop()


def last_reply(wabot: WaBot) -> tuple[str, Message]:
    """WhatsApp's id of the bot's last message to the owner, and that message."""
    sent = [s for s in wabot.world.sent if s.to == wabot.owner_chat][-1]
    assert sent.message is not None
    return sent.id, sent.message


async def test_the_sent_reply_id_is_remembered_and_a_reply_to_it_cancels(wabot: WaBot):
    confirmation = await wabot.say("/jadwal besok 08:00 Kerja bakti")
    assert confirmation.startswith("#1 terjadwal")
    sent_id, sent = last_reply(wabot)
    assert await wabot.app.store.replied_post(sent_id) == 1
    await wabot.say("/jadwal besok 09:00 Arisan")
    answer = await wabot.say(wabot.world.reply_to(sent_id, sent, "/batal"))
    assert answer.startswith("#1 dibatalkan")
    posts = [await wabot.app.store.get_post(i) for i in (1, 2)]
    assert [p.status for p in posts if p] == [PostStatus.CANCELLED, PostStatus.PENDING]


async def test_jadwal_replied_to_a_forwarded_video_schedules_it_with_its_caption(wabot: WaBot):
    video = wabot.world.video(f.mp4(8), "Video kegiatan", 8)
    video.videoMessage.contextInfo.CopyFrom(ContextInfo(isForwarded=True, forwardingScore=1))
    quoted = wabot.world.self_chat(video)  # no command: the bot stays silent
    await wabot.clock.advance(1)
    answer = await wabot.say(
        wabot.world.reply_to(quoted.Info.ID, quoted.Message, "/jadwal besok 08:00")
    )
    assert answer.startswith("#1 terjadwal (video)")
    post = await wabot.app.store.get_post(1)
    assert post is not None
    assert (post.text, post.media_kind) == ("Video kegiatan", MediaKind.VIDEO)
    assert m.SCHEDULE_EMPTY_TEXT not in answer
