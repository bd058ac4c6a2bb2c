"""Replies and post ids, the owner's mistakes around them: /jadwal replied to one of the bot's
own messages, new media for a poll, extra words after an id, relative times in the reply form
of /ubah, audio on a post with text, a missing id, an empty /ubah teks, and a reply to the
preview /lihat shows. Through the real dispatcher and store, the console transport, and
neonize's events with the WhatsApp transport and its simulator."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from neonize.proto.Neonize_pb2 import JID, MessageInfo, MessageSource
from neonize.proto.Neonize_pb2 import Message as MessageEv
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import ContextInfo, ExtendedTextMessage, Message

from bot import messages as m
from bot.models import MediaKind, PostStatus
from bot.postresults import PollNoMedia
from bot.transport.whatsapp.convert import to_incoming
from tests import mediafiles as f
from tests.commands import usage
from tests.conftest import SATURDAY_EVENING, Bot
from tests.fakes import PNG, make_message
from tests.test_console_replies import reply_id, run_console
from tests.test_reply_actions import (
    IdTransport,
    confirmed,
    rbot,  # noqa: F401  (fixture)
    ref,
    reply,
    send,
    status,
)
from tests.test_wa_convert import Downloads
from tests.test_whatsapp_transport import (  # noqa: F401  (fixtures)
    BOT_PHONE,
    OWNER_LID,
    OWNER_PHONE,
    WaBot,
    clock,
    wabot,
    world,
)


def last_reply_id(bot: Bot) -> str:
    assert isinstance(bot.transport, IdTransport)
    return bot.transport.last_reply_id()


async def post_count(bot: Bot) -> int:
    count = 0
    while await bot.app.store.get_post(count + 1) is not None:
        count += 1
    return count


# --- /jadwal replied to the bot's own message -------------------------------------------------


async def test_jadwal_replied_to_a_confirmation_is_refused_and_queues_nothing(rbot: Bot):  # noqa: F811
    confirmation = await confirmed(rbot, "/jadwal besok 08:00 Rapat RT")
    answer = await reply(
        rbot, confirmation, "/jadwal besok 09:00", quoted_text="#1 terjadwal Minggu ..."
    )
    assert answer == m.REPLY_TO_BOT_MESSAGE
    assert await post_count(rbot) == 1


async def test_jadwal_replied_to_a_bot_message_the_transport_marks_is_refused(rbot: Bot):  # noqa: F811
    await rbot.say("/bantuan")
    help_id = last_reply_id(rbot)
    picture = ref(MediaKind.IMAGE, PNG, "image/png")  # as the /kalender picture would be
    for quoted_text, quoted_media in (("Perintah jadwal-bot ...", None), ("November", picture)):
        message = replace(
            make_message("/jadwal besok 09:00", timestamp=rbot.clock()),
            quoted_id=help_id,
            quoted_text=quoted_text,
            quoted_media=quoted_media,
            quoted_from_bot=True,
        )
        assert await send(rbot, message) == m.REPLY_TO_BOT_MESSAGE
    assert await post_count(rbot) == 0
    # The owner's own message is still scheduled by reply.
    own = replace(
        make_message("/jadwal besok 09:00", timestamp=rbot.clock()),
        quoted_id="MINE1",
        quoted_text="Kerja bakti",
    )
    assert (await send(rbot, own)).startswith("#1 terjadwal")


async def test_console_jadwal_replied_to_the_bots_replies_is_refused(tmp_path: Path):
    app, out = await run_console(
        tmp_path,
        [
            "/tujuan 1",  # out-1
            "/bantuan",  # out-2
            "!balas out-2 /jadwal besok 08:00",  # out-3
            "/kalender",  # out-4: the picture
            "!balas out-4 /jadwal besok 08:00",  # out-5
            "Kerja bakti",  # in-6
            "!balas in-6 /jadwal besok 08:00",  # out-6
        ],
    )
    try:
        assert reply_id(out, m.REPLY_TO_BOT_MESSAGE) == "out-3"
        assert out.count(m.REPLY_TO_BOT_MESSAGE) == 2
        post = await app.store.get_post(1)
        assert post is not None and post.text == "Kerja bakti"
        assert await app.store.get_post(2) is None
    finally:
        await app.stop()


def _jid(user: str, server: str = "s.whatsapp.net") -> JID:
    return JID(User=user, Server=server)


def _owner_reply(participant: str, *, from_me: bool = False) -> MessageEv:
    """The owner's reply in their chat with the bot's number (owners mode, LID-addressed, as
    whatsmeow gives it) to a message written by `participant`."""
    lid = _jid(OWNER_LID, "lid")
    source = (
        MessageSource(Chat=_jid(BOT_PHONE), Sender=_jid(BOT_PHONE), IsFromMe=True)
        if from_me
        else MessageSource(Chat=lid, Sender=lid, SenderAlt=_jid(OWNER_PHONE))
    )
    quoted = ContextInfo(
        stanzaID="Q1", participant=participant, quotedMessage=Message(conversation="Hai")
    )
    built = MessageEv(
        Info=MessageInfo(MessageSource=source, ID="3EB0REPLY", Timestamp=1),
        Message=Message(
            extendedTextMessage=ExtendedTextMessage(text="/jadwal besok 08:00", contextInfo=quoted)
        ),
    )
    decoded = MessageEv()
    decoded.ParseFromString(built.SerializePartialToString())
    return decoded


@pytest.mark.parametrize(
    ("participant", "from_me", "from_bot"),
    [
        pytest.param(f"{BOT_PHONE}@s.whatsapp.net", False, True, id="bot-phone"),
        pytest.param("99999999999999@lid", False, True, id="bot-lid"),
        pytest.param(f"{OWNER_PHONE}@s.whatsapp.net", False, False, id="owner-phone"),
        pytest.param(f"{OWNER_LID}@lid", False, False, id="owner-lid"),
        pytest.param("", False, False, id="no-participant"),
        # Self mode: every message of the own chat is the account's; not told here.
        pytest.param(f"{BOT_PHONE}@s.whatsapp.net", True, False, id="self-mode"),
    ],
)
def test_whatsapp_tells_a_quoted_message_of_the_bot(
    participant: str, from_me: bool, from_bot: bool
):
    message = to_incoming(_owner_reply(participant, from_me=from_me), Downloads())
    assert (message.quoted_id, message.quoted_from_bot) == ("Q1", from_bot)


async def test_whatsapp_jadwal_replied_to_the_bots_messages_is_refused(wabot: WaBot):  # noqa: F811
    await wabot.say("/tujuan 1")
    await wabot.say("/jadwal besok 08:00 Rapat RT")
    sent = [s for s in wabot.world.sent if s.to == wabot.owner_chat][-1]
    assert sent.message is not None
    # The confirmation (remembered as being about #1): refused in both modes.
    answer = await wabot.say(wabot.world.reply_to(sent.id, sent.message, "/jadwal lusa 08:00"))
    assert answer == m.REPLY_TO_BOT_MESSAGE
    if wabot.mode == "owners":  # /bantuan: WhatsApp names the bot's number as its author
        await wabot.say("/bantuan")
        help_sent = [s for s in wabot.world.sent if s.to == wabot.owner_chat][-1]
        assert help_sent.message is not None
        quoting = wabot.world.reply_to(help_sent.id, help_sent.message, "/jadwal lusa 08:00")
        quoting.extendedTextMessage.contextInfo.participant = f"{BOT_PHONE}@s.whatsapp.net"
        assert await wabot.say(quoting) == m.REPLY_TO_BOT_MESSAGE
    assert await wabot.app.store.get_post(2) is None


# --- /ubah <id> foto on a poll ---------------------------------------------------------------


async def test_ubah_foto_on_a_poll_is_refused_and_the_poll_keeps_no_media(rbot: Bot):  # noqa: F811
    await rbot.say("/polling besok 08:00 Makan di mana? | Bakso | Soto")
    photo = ref(MediaKind.IMAGE, PNG, "image/png")
    message = replace(make_message("/ubah 1 foto", timestamp=rbot.clock()), media=photo)
    assert await send(rbot, message) == m.POLL_MEDIA_REFUSED.format(id=1)
    post = await rbot.app.store.get_post(1)
    assert post is not None and post.media_path is None and post.poll is not None
    # The rule is the queue's own: asked directly, the service refuses too.
    assert rbot.app.services is not None
    posts = rbot.app.services.posts
    with pytest.raises(PollNoMedia):
        await posts.replace_media(await posts.find(1), "x.png", "image/png", MediaKind.IMAGE)
    post = await rbot.app.store.get_post(1)
    assert post is not None and post.media_path is None


# --- one id per command ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "name", "extra"),
    [
        ("/batal 1 2", "batal", "2"),
        ("/lihat 2 3", "lihat", "3"),
        ("/kirim 2 lagi", "kirim", "lagi"),
        ("/ulang 1 2", "ulang", "2"),
    ],
)
async def test_extra_words_after_the_id_are_refused(rbot: Bot, command: str, name: str, extra: str):  # noqa: F811
    await rbot.say("/jadwal besok 08:00 Pertama")
    await rbot.say("/jadwal besok 09:00 Kedua")
    answer = await rbot.say(command)
    reason = m.ONE_ID_ONLY.format(name=name, extra=extra)
    assert answer == m.BAD_USAGE.format(reason=reason, usage=usage(name))
    assert (await status(rbot, 1), await status(rbot, 2)) == (
        PostStatus.PENDING,
        PostStatus.PENDING,
    )


async def test_extra_words_after_a_reply_are_refused_too(rbot: Bot):  # noqa: F811
    confirmation = await confirmed(rbot, "/jadwal besok 08:00 Pertama")
    answer = await reply(rbot, confirmation, "/batal 2")  # #2 does not exist: the id is read
    assert answer == m.POST_NOT_FOUND.format(id=2)
    answer = await reply(rbot, confirmation, "/batal sekarang")
    assert m.ONE_ID_ONLY.format(name="batal", extra="sekarang") in answer
    assert await status(rbot, 1) is PostStatus.PENDING


# --- relative times in the reply form of /ubah -------------------------------------------------


async def test_ubah_by_reply_reads_a_number_before_a_time_word_as_the_time(rbot: Bot):  # noqa: F811
    await rbot.say("/jadwal besok 07:00 Satu")  # #1 and #3 exist: neither may be taken
    confirmation = await confirmed(rbot, "/jadwal besok 08:00 Dua")
    await rbot.say("/jadwal besok 09:00 Tiga")

    asked = await reply(rbot, confirmation, "/ubah 3 hari lagi jam 10")
    assert asked.endswith(m.PROPOSAL_HINT) and "Selasa, 24 Nov 2026 10:00 WIB" in asked
    moved = await rbot.say("ya")
    assert moved.startswith("#2 dipindah ke Selasa, 24 Nov 2026 10:00 WIB")

    asked = await reply(rbot, confirmation, "/ubah 1 hari lagi jam 10")
    assert "Minggu, 22 Nov 2026 10:00 WIB" in asked
    assert (await rbot.say("ya")).startswith("#2 dipindah ke Minggu, 22 Nov 2026 10:00 WIB")

    moved = await reply(rbot, confirmation, "/ubah 2 jam lagi")
    assert moved.startswith("#2 dipindah ke Sabtu, 21 Nov 2026 22:00 WIB")

    second = await rbot.app.store.get_post(2)
    assert second is not None and second.due_at == SATURDAY_EVENING + timedelta(hours=2)
    for other, hour in ((1, 7), (3, 9)):
        post = await rbot.app.store.get_post(other)
        assert post is not None and post.due_at == SATURDAY_EVENING + timedelta(hours=4 + hour)
    # Typed without a reply, the number is still the post's id.
    assert (await rbot.say("/ubah 3 besok 10:00")).startswith("#3 dipindah")


# --- audio on a post with text ------------------------------------------------------------------


async def test_ubah_foto_with_a_voice_note_on_a_post_with_text_says_what_to_do(rbot: Bot):  # noqa: F811
    await rbot.say("/jadwal besok 08:00 Pengumuman")
    voice = ref(MediaKind.VOICE, f.ogg(), "audio/ogg")
    message = replace(make_message("/ubah 1 foto", timestamp=rbot.clock()), media=voice)
    answer = await send(rbot, message)
    assert answer == m.EDIT_AUDIO_HAS_TEXT.format(id=1, kind="pesan suara")
    assert "/ubah 1 teks" in answer and "/batal 1" in answer
    post = await rbot.app.store.get_post(1)
    assert post is not None and post.media_path is None


# --- a missing id ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["batal", "lihat", "kirim", "ulang", "ubah"])
async def test_a_command_without_an_id_says_the_number_is_missing(rbot: Bot, name: str):  # noqa: F811
    answer = await rbot.say(f"/{name}")
    reason = m.POST_ID_MISSING.format(name=name)
    assert answer == m.BAD_USAGE.format(reason=reason, usage=usage(name))
    assert "(kosong)" not in answer


async def test_ubah_foto_with_a_photo_and_no_id_says_the_number_is_missing(rbot: Bot):  # noqa: F811
    await rbot.say("/jadwal besok 08:00 Pertama")
    photo = ref(MediaKind.IMAGE, PNG, "image/png")
    for command in ("/ubah foto", "/ubah teks Baru"):
        message = replace(make_message(command, timestamp=rbot.clock()), media=photo)
        answer = await send(rbot, message)
        assert answer.startswith(m.POST_ID_MISSING.format(name="ubah"))
    post = await rbot.app.store.get_post(1)
    assert post is not None and post.media_path is None and post.text == "Pertama"


# --- /ubah teks with nothing after it -------------------------------------------------------------


async def test_ubah_teks_without_a_text_gets_its_own_reason(rbot: Bot):  # noqa: F811
    await rbot.say("/jadwal besok 08:00 Pertama")
    answer = await rbot.say("/ubah 1 teks")
    assert answer.startswith(m.EDIT_TEXT_EMPTY.format(id=1))
    assert m.SCHEDULE_EMPTY_TEXT not in answer
    post = await rbot.app.store.get_post(1)
    assert post is not None and post.text == "Pertama"


# --- a reply to the preview /lihat shows ----------------------------------------------------------


async def test_batal_replied_to_the_preview_of_lihat_cancels_that_post(rbot: Bot):  # noqa: F811
    await rbot.say("/jadwal besok 08:00 Halo grup")
    await rbot.say("/jadwal besok 09:00 Yang lain")
    assert isinstance(rbot.transport, IdTransport)
    before = len(rbot.transport.ids)
    assert rbot.app.dispatcher is not None
    await rbot.app.dispatcher.dispatch(make_message("/lihat 1", timestamp=rbot.clock()))
    (preview_id, preview), _details = rbot.transport.ids[before:]
    assert preview.text == "Halo grup"
    answer = await reply(rbot, preview_id, "/batal", quoted_text="Halo grup")
    assert answer.startswith("#1 dibatalkan")
    assert (await status(rbot, 1), await status(rbot, 2)) == (
        PostStatus.CANCELLED,
        PostStatus.PENDING,
    )
