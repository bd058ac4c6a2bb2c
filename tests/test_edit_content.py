"""/ubah teks and /ubah foto change what the groups will see: the text re-reads the mention-all
marker; a post some of whose groups already got it keeps what went out (the edit is refused,
a series' partly sent occurrence is skipped), while its time may still move. Media sent with a
command that takes none is named as not used."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot import messages as m
from bot.models import MediaKind, MediaRef, PostStatus
from tests import mediafiles as f
from tests.conftest import SATURDAY_EVENING, Bot
from tests.fakes import GROUPS, JPEG, PNG, eventually, make_message

DEMO_A, DEMO_B, ALUMNI = GROUPS  # /grup numbers them by name: 1 Alumni SMA, 2 A, 3 B


def ref(kind: MediaKind, data: bytes, mime: str) -> MediaRef:
    async def fetch() -> bytes:
        return data

    return MediaRef(mime, fetch, kind=kind, size=len(data))


async def say_with(bot: Bot, text: str, media: MediaRef) -> str:
    """`text` from the owner as the caption of `media`; the bot's one reply."""
    before = len(bot.transport.replies())
    assert bot.app.dispatcher is not None
    await bot.app.dispatcher.dispatch(
        replace(make_message(text, timestamp=bot.clock()), media=media)
    )
    replies = bot.transport.replies()
    assert len(replies) == before + 1, replies[before:]
    return replies[-1]


async def deliver(bot: Bot, post_id: int, position: int, to: PostStatus) -> None:
    """The post's group at `position` claimed and sent (or failed), as the scheduler does."""
    store = bot.app.store
    post = await store.get_post(post_id)
    assert post is not None
    delivery = post.deliveries[position]
    assert await store.move(
        post_id, PostStatus.SENDING, expect=PostStatus.PENDING, delivery_id=delivery.id
    )
    assert await store.move(post_id, to, expect=PostStatus.SENDING, delivery_id=delivery.id)


async def reasons(bot: Bot, post_id: int) -> list[str | None]:
    return [e.reason for e in await bot.app.store.post_events(post_id)]


# --- the mention-all marker -------------------------------------------------------------------


async def test_a_text_edit_adds_and_removes_mention_all(bot_with_target: Bot):
    bot = bot_with_target
    await bot.say("/jadwal besok 08:00 Rapat")
    added = await bot.say("/ubah 1 teks @semua Rapat pindah ke balai")
    assert added == (
        m.TEXT_CHANGED.format(id=1) + "\n\u201cRapat pindah ke balai\u201d\n" + m.MENTION_ALL_NOTE
    )
    post = await bot.app.store.get_post(1)
    assert post is not None and (post.text, post.mention_all) == ("Rapat pindah ke balai", True)
    # One edit: the text and the marker recorded together.
    assert (await reasons(bot, 1)).count("text changed by owner") == 1

    removed = await bot.say("/ubah 1 teks Rapat batal")
    assert removed == m.TEXT_CHANGED.format(id=1) + "\n\u201cRapat batal\u201d\n" + (
        m.MENTION_ALL_DROPPED
    )
    post = await bot.app.store.get_post(1)
    assert post is not None and (post.text, post.mention_all) == ("Rapat batal", False)

    plain = await bot.say("/ubah 1 teks Rapat jadi")  # neither before nor now: no line about it
    assert plain == m.TEXT_CHANGED.format(id=1) + "\n\u201cRapat jadi\u201d"


async def test_the_marker_on_its_own_line_in_an_edit_is_sent_as_a_mention(bot_with_target: Bot):
    bot = bot_with_target
    await bot.say("/jadwal besok 08:00 Kerja bakti")
    reply = await bot.say("/ubah 1 teks Kerja bakti Minggu\n@all")
    assert reply.endswith("\n" + m.MENTION_ALL_NOTE)
    await bot.say("/kirim 1")
    await eventually(lambda: bot.transport.posts())
    [sent] = bot.transport.posts()
    assert (sent.text, sent.mention_all) == ("Kerja bakti Minggu", True)


async def test_a_series_text_edit_sets_mention_all_on_its_coming_occurrences(
    bot_with_target: Bot,
):
    bot = bot_with_target
    await bot.say("/jadwal setiap hari 08:00 Senam pagi")
    reply = await bot.say("/ubah 1 teks @semua Senam pagi di lapangan")
    assert reply == (
        m.SERIES_TEXT_CHANGED.format(id=1)
        + "\n\u201cSenam pagi di lapangan\u201d\n"
        + m.MENTION_ALL_NOTE
    )
    post = await bot.app.store.get_post(1)
    assert post is not None and (post.text, post.mention_all) == ("Senam pagi di lapangan", True)


# --- a post some of whose groups already got it -------------------------------------------------


async def test_text_and_media_edits_of_a_partly_sent_post_are_refused(bot: Bot):
    await bot.say("/jadwal ke:2,3,1 besok 08:00 Rapat lama")
    await deliver(bot, 1, 0, PostStatus.SENT)
    await deliver(bot, 1, 2, PostStatus.FAILED)
    post = await bot.app.store.get_post(1)
    assert post is not None and post.status is PostStatus.PENDING  # Grup Demo B still waits
    refusal = dict(id=1, groups="Grup Demo A (terkirim), Alumni SMA (gagal)")

    text = await bot.say("/ubah 1 teks Rapat baru")
    assert text == m.EDIT_PARTLY_SENT.format(**refusal, what="teks")
    media = await say_with(bot, "/ubah 1 foto", ref(MediaKind.IMAGE, PNG, "image/png"))
    assert media == m.EDIT_PARTLY_SENT.format(**refusal, what="media")

    post = await bot.app.store.get_post(1)
    assert post is not None
    # What Grup Demo A got is what the post still shows.
    assert (post.text, post.media_path, post.mention_all) == ("Rapat lama", None, False)
    assert "text changed by owner" not in await reasons(bot, 1)
    assert "media replaced by owner" not in await reasons(bot, 1)


async def test_a_partly_sent_post_still_moves_and_its_rest_can_be_cancelled(bot: Bot):
    await bot.say("/jadwal ke:2,3 besok 08:00 Rapat lama")
    await deliver(bot, 1, 0, PostStatus.SENT)
    moved = await bot.say("/ubah 1 besok 10:00")
    assert moved.startswith(
        m.MOVED.format(
            id=1, when="Minggu, 22 Nov 2026 10:00 WIB", dest="Grup Demo A (terkirim), Grup Demo B"
        )
    )
    post = await bot.app.store.get_post(1)
    assert post is not None and post.due_at == SATURDAY_EVENING + timedelta(hours=14)
    cancelled = await bot.say("/batal 1")
    assert cancelled.startswith("#1 dibatalkan")
    post = await bot.app.store.get_post(1)
    assert post is not None
    assert [d.status for d in post.deliveries] == [PostStatus.SENT, PostStatus.CANCELLED]


async def test_the_store_holds_a_content_edit_but_not_a_move(bot: Bot):
    await bot.say("/jadwal ke:2,3 besok 08:00 Lama")
    await bot.say("/jadwal ke:2,3 besok 09:00 Lain")
    await deliver(bot, 1, 1, PostStatus.SENT)
    store, now = bot.app.store, bot.clock()
    held = await store.update_text(1, "Baru", now, mention_all=True)
    assert (held.changed, held.held) == ([], [1])
    media = await store.replace_media([1, 2], "x.png", "image/png", MediaKind.IMAGE, None, now)
    assert (media.changed, media.held) == ([2], [1])
    assert await store.reschedule(1, now + timedelta(hours=2), "moved by owner", now=now)
    first, second = await store.get_post(1), await store.get_post(2)
    assert first is not None and second is not None
    assert (first.text, first.mention_all, first.media_path) == ("Lama", False, None)
    assert second.media_path == "x.png"


async def test_a_series_edit_skips_an_occurrence_partly_sent(bot: Bot):
    await bot.say("/jadwal ke:2,3 setiap hari 08:00 Senam")
    await deliver(bot, 1, 0, PostStatus.SENT)
    held = await bot.say("/ubah 1 teks Senam baru")
    assert held == m.SERIES_EDIT_HELD.format(
        id=1, ordinal="#1 ke-1", groups="Grup Demo A (terkirim)", what="teks"
    )
    first = await bot.app.store.get_post(1)
    assert first is not None and first.text == "Senam"

    # Its next occurrence queued while the first still waits for Grup Demo B (as after a
    # retry): the edit changes the next one and says it skipped the first.
    second = await bot.app.store.add_post(
        first.due_at + timedelta(days=1),
        first.content,
        first.destinations,
        now=bot.clock(),
        repeat_rule=first.repeat_rule,
        series_id=1,
    )
    changed = await bot.say("/ubah 1 teks @semua Senam baru")
    skipped = m.SERIES_EDIT_SKIPPED.format(occurrences="#1 ke-1 (Grup Demo A (terkirim))")
    assert changed == (
        m.SERIES_TEXT_CHANGED.format(id=1)
        + "\n\u201cSenam baru\u201d\n"
        + m.MENTION_ALL_NOTE
        + "\n"
        + skipped
    )
    first, now = await bot.app.store.get_post(1), await bot.app.store.get_post(second.id)
    assert first is not None and now is not None
    assert (first.text, first.mention_all) == ("Senam", False)
    assert (now.text, now.mention_all) == ("Senam baru", True)

    photo = await say_with(bot, "/ubah 1 foto", ref(MediaKind.IMAGE, PNG, "image/png"))
    assert photo.endswith("\n" + skipped)
    first, now = await bot.app.store.get_post(1), await bot.app.store.get_post(second.id)
    assert first is not None and now is not None
    assert (first.media_path, now.media_kind) == (None, MediaKind.IMAGE)


# --- media sent with a command that takes none --------------------------------------------------


async def test_media_sent_with_batal_or_ubah_is_named_as_not_used(bot_with_target: Bot):
    bot = bot_with_target
    await bot.say("/jadwal besok 08:00 Rapat")
    await bot.say("/jadwal besok 09:00 Arisan")
    photo = make_message("/ubah 1 teks Rapat pindah", image=JPEG, timestamp=bot.clock())
    assert bot.app.dispatcher is not None
    await bot.app.dispatcher.dispatch(photo)
    text = bot.transport.last_reply()
    assert text == (
        m.TEXT_CHANGED.format(id=1)
        + "\n\u201cRapat pindah\u201d\n"
        + m.MEDIA_NOT_USED_EDIT.format(Kind="Foto", id=1)
    )
    video = ref(MediaKind.VIDEO, f.mp4(5), "video/mp4")
    moved = await say_with(bot, "/ubah 1 besok 10:00", video)
    assert moved.startswith("#1 dipindah ke Minggu, 22 Nov 2026 10:00 WIB")
    assert moved.endswith("\n" + m.MEDIA_NOT_USED_EDIT.format(Kind="Video", id=1))
    cancelled = await say_with(bot, "/batal 2", ref(MediaKind.IMAGE, PNG, "image/png"))
    assert cancelled.startswith("#2 dibatalkan")
    assert cancelled.endswith("\n" + m.MEDIA_NOT_USED.format(Kind="Foto"))
    posts = await bot.app.store.all_posts()
    assert [(p.text, p.media_path, p.status) for p in posts] == [
        ("Rapat pindah", None, PostStatus.PENDING),
        ("Arisan", None, PostStatus.CANCELLED),
    ]
    # Without media, no such line.
    await bot.say("/jadwal besok 11:00 Lagi")
    assert "tidak dipakai" not in await bot.say("/batal 3")
    assert "tidak dipakai" not in await bot.say("/ubah 1 teks Rapat")
