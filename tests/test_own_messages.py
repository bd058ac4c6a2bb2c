"""Every message the bot sends the owner is the bot's own: in self mode (where WhatsApp marks
the bot's messages and the owner's alike as from-me) /jadwal by reply to /bantuan's answer is
refused as it is for a confirmation, and the photo /lihat sends names its post, so a reply to
it acts on that post, on WhatsApp and in the console."""

from __future__ import annotations

from pathlib import Path

from bot import messages as m
from bot.models import PostStatus
from tests.fakes import PNG
from tests.test_console_replies import run_console
from tests.test_wa_replies import last_reply, wabot  # noqa: F401  (the fixture `wabot`)
from tests.test_whatsapp_transport import WaBot, jpeg


async def test_jadwal_by_reply_to_the_help_is_refused_in_self_mode(wabot: WaBot):  # noqa: F811
    help_text = await wabot.say("/bantuan")
    assert help_text.startswith(m.HELP_HEADER)
    sent_id, sent = last_reply(wabot)
    answer = await wabot.say(wabot.world.reply_to(sent_id, sent, "/jadwal besok 08:00"))
    assert answer == m.REPLY_TO_BOT_MESSAGE
    assert await wabot.app.store.all_posts() == []


async def test_a_reply_to_the_photo_lihat_sends_acts_on_its_post(wabot: WaBot):  # noqa: F811
    confirmation = await wabot.say(wabot.world.photo(jpeg(), "/jadwal besok 08:00 Promo"))
    assert confirmation.startswith("#1 terjadwal")
    await wabot.say("/jadwal besok 09:00 Arisan")
    before = len(wabot.world.sent)
    wabot.command("/lihat 1")
    await wabot.clock.until(lambda: len(wabot.world.sent) >= before + 2)
    photo = wabot.world.sent[before]
    assert photo.to == wabot.owner_chat and photo.message is not None
    assert photo.message.imageMessage.caption == "Promo"
    assert await wabot.app.store.replied_post(photo.id) == 1
    answer = await wabot.say(wabot.world.reply_to(photo.id, photo.message, "/batal"))
    assert answer.startswith("#1 dibatalkan")
    posts = [await wabot.app.store.get_post(i) for i in (1, 2)]
    assert [p.status for p in posts if p] == [PostStatus.CANCELLED, PostStatus.PENDING]


async def test_a_reply_to_the_photo_lihat_sends_in_the_console(tmp_path: Path):
    photo = tmp_path / "promo.png"
    photo.write_bytes(PNG)
    app, out = await run_console(
        tmp_path,
        [
            "/tujuan 1",  # out-1
            f"!foto {photo} /jadwal besok 08:00 Promo",  # out-2
            "/jadwal besok 09:00 Arisan",  # out-3
            "/lihat 1",  # the photo: out-4, then the details: out-5
            "!balas out-4 /batal",
        ],
    )
    try:
        assert "bot> [foto " in out and "Promo  (id out-4)" in out
        posts = [await app.store.get_post(i) for i in (1, 2)]
        assert [p.status for p in posts if p] == [PostStatus.CANCELLED, PostStatus.PENDING]
    finally:
        await app.stop()
