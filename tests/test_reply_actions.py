"""Acting by reply: the bot's replies that confirm or show one post are remembered (their sent
id -> the post), so that /batal, /ubah, /lihat, /kirim and /ulang replied to one of them act on
that post without its id; /jadwal replied to any message schedules that message's content;
/ubah <id> foto replaces a pending post's media. Through the real dispatcher, store, scheduler
and delivery; only WhatsApp is faked."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

import pytest

from bot import messages as m
from bot.models import IncomingMessage, MediaKind, MediaRef, PostStatus, SentMessage
from bot.settings import Settings
from bot.transport.base import TransportError
from tests import mediafiles as f
from tests.commands import usage
from tests.conftest import SATURDAY_EVENING, Bot, BotFactory, Clock
from tests.fakes import PNG, FakeTransport, Sent, eventually, make_message


class IdTransport(FakeTransport):
    """FakeTransport that also keeps the id each send was given (what a reply quotes)."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[tuple[str, Sent]] = []

    def _record(self, sent: Sent) -> SentMessage:
        result = super()._record(sent)
        self.ids.append((result.message_id, sent))
        return result

    def last_reply_id(self) -> str:
        return next(i for i, s in reversed(self.ids) if s.chat == self.owner_chat())


def ref(kind: MediaKind, data: bytes, mime: str) -> MediaRef:
    async def fetch() -> bytes:
        return data

    return MediaRef(mime, fetch, kind=kind, size=len(data))


async def send(bot: Bot, message: IncomingMessage) -> str:
    """`message` from the owner; the bot's one reply."""
    return await bot.send(message)


async def reply(
    bot: Bot,
    quoted_id: str,
    text: str,
    *,
    quoted_text: str = "",
    media: MediaRef | None = None,
    quoted_media: MediaRef | None = None,
) -> str:
    """`text` typed as a reply to the message `quoted_id` (its text `quoted_text`)."""
    message = replace(
        make_message(text, timestamp=bot.clock()),
        quoted_id=quoted_id,
        quoted_text=quoted_text,
        media=media,
        quoted_media=quoted_media,
    )
    return await send(bot, message)


async def confirmed(bot: Bot, command: str) -> str:
    """Type `command`; the id of the bot's reply to it."""
    await bot.say(command)
    transport = bot.transport
    assert isinstance(transport, IdTransport)
    return transport.last_reply_id()


@pytest.fixture
async def rbot(start_bot: BotFactory) -> Bot:
    bot = await start_bot(clock=Clock(SATURDAY_EVENING), transport=IdTransport())
    await bot.say("/tujuan Grup Demo A")
    return bot


async def status(bot: Bot, post_id: int) -> PostStatus:
    post = await bot.app.store.get_post(post_id)
    assert post is not None
    return post.status


async def until_status(bot: Bot, post_id: int, wanted: PostStatus) -> None:
    """Wait (10 ms steps, 3 s at most) until the post reaches `wanted`."""
    for _ in range(300):
        if await status(bot, post_id) is wanted:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"post #{post_id} is {await status(bot, post_id)}, not {wanted}")


# --- act by reply ---------------------------------------------------------------------------


async def test_batal_replied_to_a_confirmation_cancels_that_post(rbot: Bot):
    first = await confirmed(rbot, "/jadwal besok 08:00 Pertama")
    await rbot.say("/jadwal besok 09:00 Kedua")
    answer = await reply(rbot, first, "/batal")
    assert answer.startswith("#1 dibatalkan")
    assert (await status(rbot, 1), await status(rbot, 2)) == (
        PostStatus.CANCELLED,
        PostStatus.PENDING,
    )


async def test_ubah_by_reply_moves_changes_the_text_and_reads_a_bare_hour_as_a_time(rbot: Bot):
    await rbot.say("/jadwal besok 07:00 Lain")  # #1: a number that could be taken for an id
    confirmation = await confirmed(rbot, "/jadwal besok 08:00 Rapat")
    moved = await reply(rbot, confirmation, "/ubah besok 10:00")
    assert moved.startswith(m.MOVED.format(id=2, when="Minggu, 22 Nov 2026 10:00 WIB", dest=""))
    # The reply to /ubah names the post too.
    assert isinstance(rbot.transport, IdTransport)
    changed = await reply(rbot, rbot.transport.last_reply_id(), "/ubah teks Rapat pindah")
    assert changed.startswith(m.TEXT_CHANGED.format(id=2))
    hour = await reply(rbot, confirmation, "/ubah 1 siang")  # "1 siang" is 13:00, not post #1
    assert hour.startswith("#2 dipindah ke Minggu, 22 Nov 2026 13:00 WIB")
    first, second = await rbot.app.store.get_post(1), await rbot.app.store.get_post(2)
    assert first is not None and second is not None
    assert (first.text, first.due_at) == ("Lain", SATURDAY_EVENING + timedelta(hours=11))
    assert (second.text, second.due_at) == ("Rapat pindah", SATURDAY_EVENING + timedelta(hours=17))


async def test_lihat_and_kirim_by_reply_show_and_send_that_post(rbot: Bot):
    confirmation = await confirmed(rbot, "/jadwal besok 08:00 Halo grup")
    await rbot.say("/jadwal besok 09:00 Yang lain")
    before = len(rbot.transport.replies())
    assert rbot.app.dispatcher is not None
    await rbot.app.dispatcher.dispatch(
        replace(make_message("/lihat", timestamp=rbot.clock()), quoted_id=confirmation)
    )
    content, header = rbot.transport.replies()[before:]  # the post as it will go, then its state
    assert content == "Halo grup"
    assert header.startswith("#1 menunggu")
    sending = await reply(rbot, confirmation, "/kirim")
    assert sending == m.SENDING_NOW.format(id=1, dest="Grup Demo A")
    await eventually(lambda: rbot.transport.posts())
    assert [p.text for p in rbot.transport.posts()] == ["Halo grup"]
    assert await status(rbot, 2) is PostStatus.PENDING


async def test_ulang_by_reply_to_the_confirmation_retries_the_failed_post(rbot: Bot):
    confirmation = await confirmed(rbot, "/jadwal besok 08:00 Coba lagi")
    rbot.transport.fail_with = TransportError("server returned error 500")
    await rbot.say("/kirim 1")
    await until_status(rbot, 1, PostStatus.FAILED)
    rbot.transport.fail_with = None
    answer = await reply(rbot, confirmation, "/ulang")
    assert answer.startswith(m.RETRYING.format(id=1, dest="Grup Demo A"))
    await eventually(lambda: rbot.transport.posts())
    assert [p.text for p in rbot.transport.posts()] == ["Coba lagi"]


async def test_a_typed_id_wins_over_the_replied_confirmation(rbot: Bot):
    first = await confirmed(rbot, "/jadwal besok 08:00 Pertama")
    await rbot.say("/jadwal besok 09:00 Kedua")
    answer = await reply(rbot, first, "/batal 2")
    assert answer.startswith("#2 dibatalkan")
    assert await status(rbot, 1) is PostStatus.PENDING


async def test_a_reply_to_a_message_that_names_no_post_gets_the_usage_with_the_reply_form(
    rbot: Bot,
):
    await rbot.say("/jadwal besok 08:00 Pertama")
    assert isinstance(rbot.transport, IdTransport)
    await rbot.say("/antrian")
    listing = rbot.transport.last_reply_id()
    answer = await reply(rbot, listing, "/batal", quoted_text="Antrian ...")
    assert answer == m.BAD_USAGE.format(reason=m.REPLY_NAMES_NO_POST, usage=usage("batal"))
    assert m.USAGE_BY_REPLY.format(form="/batal") in answer
    # Not a reply at all, no id: the usual refusal, whose usage mentions the reply form too.
    plain = await rbot.say("/batal")
    assert plain.endswith(usage("batal")) and m.USAGE_BY_REPLY.format(form="/batal") in plain
    assert await status(rbot, 1) is PostStatus.PENDING


async def test_a_reply_to_a_series_confirmation_stops_the_series(rbot: Bot):
    confirmation = await confirmed(rbot, "/jadwal setiap senin 09:00 Apel pagi")
    answer = await reply(rbot, confirmation, "/batal")
    assert m.SERIES_STOPPED.format(id=1, rule="setiap Senin 09:00") in answer
    assert await status(rbot, 1) is PostStatus.CANCELLED


# --- remembered across a restart, forgotten after a while ----------------------------------


async def test_a_reply_to_yesterdays_confirmation_works_after_a_restart(
    start_bot: BotFactory, settings: Settings
):
    clock = Clock(SATURDAY_EVENING)
    bot = await start_bot(clock=clock, transport=IdTransport())
    await bot.say("/tujuan Grup Demo A")
    confirmation = await confirmed(bot, "/jadwal lusa 08:00 Kerja bakti")
    await bot.app.stop()
    clock.advance(days=1)
    again = await start_bot(clock=clock, transport=IdTransport(), settings_=settings)
    answer = await reply(again, confirmation, "/batal")
    assert answer.startswith("#1 dibatalkan")
    assert await status(again, 1) is PostStatus.CANCELLED


async def test_replies_older_than_the_kept_time_are_forgotten_by_housekeeping(rbot: Bot):
    from bot.dispatcher import REPLIES_KEPT

    clock = rbot.clock
    assert isinstance(clock, Clock)
    old = await confirmed(rbot, "/jadwal 25/12 08:00 Natal")
    clock.advance(days=REPLIES_KEPT.days - 10)
    recent = await confirmed(rbot, "/jadwal 26/12 08:00 Sesudah natal")
    clock.advance(days=11)  # the first is now older than REPLIES_KEPT, the second is not
    await rbot.app._forget_old_replies()
    store = rbot.app.store
    assert (await store.replied_post(old), await store.replied_post(recent)) == (None, 2)
    answer = await reply(rbot, old, "/lihat")
    assert answer.startswith(m.REPLY_NAMES_NO_POST)


# --- schedule by reply ----------------------------------------------------------------------


async def test_jadwal_replied_to_a_text_schedules_that_text(rbot: Bot):
    answer = await reply(rbot, "ABC1", "/jadwal besok 08:00", quoted_text="Rapat RT jam 8 malam")
    assert answer.startswith("#1 terjadwal")
    own = await reply(rbot, "ABC1", "/jadwal besok 09:00 Teks sendiri", quoted_text="Rapat RT")
    assert own.startswith("#2 terjadwal")
    posts = [await rbot.app.store.get_post(i) for i in (1, 2)]
    assert [(p.text, p.media_path) for p in posts if p] == [
        ("Rapat RT jam 8 malam", None),
        ("Teks sendiri", None),
    ]


async def test_jadwal_replied_to_a_video_schedules_it_with_its_caption(rbot: Bot):
    video = ref(MediaKind.VIDEO, f.mp4(12), "video/mp4")
    answer = await reply(
        rbot, "VID1", "/jadwal besok 08:00", quoted_text="Video promo", quoted_media=video
    )
    assert answer.startswith("#1 terjadwal (video)")
    post = await rbot.app.store.get_post(1)
    assert post is not None
    assert (post.text, post.media_kind, post.media_mime) == (
        "Video promo",
        MediaKind.VIDEO,
        "video/mp4",
    )


async def test_a_quoted_command_caption_is_not_taken_as_the_post_text(rbot: Bot):
    photo = ref(MediaKind.IMAGE, PNG, "image/png")
    answer = await reply(
        rbot, "IMG1", "/jadwal besok 08:00", quoted_text="/jadwal besok 07:00", quoted_media=photo
    )
    assert answer.startswith("#1 terjadwal (foto)")
    post = await rbot.app.store.get_post(1)
    assert post is not None and post.text == ""


# --- /ubah foto -----------------------------------------------------------------------------


async def test_ubah_foto_replaces_the_media_and_keeps_the_text(rbot: Bot):
    await rbot.say("/jadwal besok 08:00 Promo minggu ini")
    photo = ref(MediaKind.IMAGE, PNG, "image/png")
    answer = await send(
        rbot, replace(make_message("/ubah 1 foto", timestamp=rbot.clock()), media=photo)
    )
    assert answer.startswith(m.MEDIA_CHANGED.format(id=1, kind="foto"))
    post = await rbot.app.store.get_post(1)
    assert post is not None and post.media_path is not None
    assert (post.text, post.media_kind) == ("Promo minggu ini", MediaKind.IMAGE)
    assert (rbot.app.settings.media_dir / post.media_path).read_bytes() == PNG
    # In reply form, to the confirmation, with a video: replaced again.
    assert isinstance(rbot.transport, IdTransport)
    video = ref(MediaKind.VIDEO, f.mp4(5), "video/mp4")
    again = await reply(rbot, rbot.transport.last_reply_id(), "/ubah media", media=video)
    assert again.startswith(m.MEDIA_CHANGED.format(id=1, kind="video"))
    post = await rbot.app.store.get_post(1)
    assert post is not None and (post.media_kind, post.text) == (
        MediaKind.VIDEO,
        "Promo minggu ini",
    )
    await rbot.say("/kirim 1")
    await eventually(lambda: rbot.transport.posts())
    [sent] = rbot.transport.posts()
    assert sent.media is not None and (sent.media.kind, sent.media.caption) == (
        MediaKind.VIDEO,
        "Promo minggu ini",
    )


async def test_ubah_foto_refusals(rbot: Bot):
    long_text = "x" * 1100
    await rbot.say(f"/jadwal besok 08:00 {long_text}")
    await rbot.say("/jadwal besok 09:00 Ada teks")
    photo = ref(MediaKind.IMAGE, PNG, "image/png")
    audio = ref(MediaKind.AUDIO, f.mp3(), "audio/mpeg")

    def with_media(text: str, media: MediaRef | None) -> IncomingMessage:
        return replace(make_message(text, timestamp=rbot.clock()), media=media)

    too_long = await send(rbot, with_media("/ubah 1 foto", photo))
    assert too_long == m.SCHEDULE_TOO_LONG.format(length=1100, limit=1024)
    no_media = await send(rbot, with_media("/ubah 2 foto", None))
    assert no_media.startswith(m.EDIT_MEDIA_MISSING)
    captioned_audio = await send(rbot, with_media("/ubah 2 foto", audio))
    assert captioned_audio == m.EDIT_AUDIO_HAS_TEXT.format(id=2, kind="audio")
    assert "dijadwalkan" not in captioned_audio
    await rbot.say("/batal 2")
    cancelled = await send(rbot, with_media("/ubah 2 foto", photo))
    assert cancelled == m.CANNOT_EDIT.format(id=2, status="dibatalkan")
    posts = [await rbot.app.store.get_post(i) for i in (1, 2)]
    assert [p.media_path for p in posts if p] == [None, None]


async def test_ubah_foto_on_a_series_replaces_the_media_of_its_coming_occurrences(rbot: Bot):
    confirmation = await confirmed(rbot, "/jadwal setiap senin 09:00 Apel pagi")
    photo = ref(MediaKind.IMAGE, PNG, "image/png")
    answer = await reply(rbot, confirmation, "/ubah foto", media=photo)
    assert answer.startswith(m.SERIES_MEDIA_CHANGED.format(id=1, kind="foto"))
    post = await rbot.app.store.get_post(1)
    assert post is not None and (post.media_kind, post.text) == (MediaKind.IMAGE, "Apel pagi")
    events = [e.reason for e in await rbot.app.store.post_events(1)]
    assert events[-1] == "media replaced by owner"
