"""Where a queued post goes and what it says, read from /jadwal's and /polling's words through
the real dispatcher and store: `ke:` lists written with spaces, names with spaces that were
not quoted, `ke:` right after the time, `@semua` with punctuation attached, `(banyak)` before
the time, and empty media."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot import messages as m
from bot.models import IncomingMessage, MediaKind, MediaRef, Post
from bot.pollspec import PollSpec, parse_poll
from bot.timeparse import parse_schedule
from tests.conftest import Bot
from tests.fakes import make_message

# /grup numbers them by name: 1. Alumni SMA, 2. Grup Demo A, 3. Grup Demo B
ALUMNI, DEMO_A, DEMO_B = "Alumni SMA", "Grup Demo A", "Grup Demo B"


async def queued(bot: Bot) -> list[Post]:
    return await bot.app.store.all_posts()


async def only_post(bot: Bot) -> Post:
    (post,) = await queued(bot)
    return post


def groups_of(post: Post) -> list[str]:
    return [d.name for d in post.deliveries]


# --- ke: lists and names ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "groups"),
    [
        ("/jadwal ke:1, 3 besok 08:00 Halo", [ALUMNI, DEMO_B]),
        ("/jadwal ke:1 , 3 besok 08:00 Halo", [ALUMNI, DEMO_B]),
        ("/jadwal ke:3 ,1 besok 08:00 Halo", [DEMO_B, ALUMNI]),
        ("/jadwal ke:1,,3, besok 08:00 Halo", [ALUMNI, DEMO_B]),  # the time ends the list
        ("/jadwal ke:1, 3, dalam 12 jam Halo", [ALUMNI, DEMO_B]),
        ('/jadwal ke:"Grup Demo B", 1 besok 08:00 Halo', [DEMO_B, ALUMNI]),
        ("/jadwal to:2, alumni besok 08:00 Halo", [DEMO_A, ALUMNI]),
        ("/jadwal ke:Alumni besok 08:00 Halo", [ALUMNI]),  # one word, then the time
        ("/jadwal\nke:2 besok 08:00 Halo", [DEMO_A]),  # on the line after the command
    ],
)
async def test_a_list_with_spaces_around_its_commas_names_each_group(
    bot_with_target: Bot, command: str, groups: list[str]
):
    reply = await bot_with_target.say(command)
    assert reply.startswith("#1 terjadwal Minggu, 22 Nov 2026 08:00 WIB"), reply
    post = await only_post(bot_with_target)
    assert groups_of(post) == groups
    assert post.text == "Halo"


def quotes(example: str, word: str) -> str:
    return m.TARGET_QUOTES.format(example=example, word=word)


AMBIGUOUS_GRUP = m.TARGET_AMBIGUOUS.format(query="Grup", names=f"- {DEMO_A}\n- {DEMO_B}")


@pytest.mark.parametrize(
    ("command", "reply"),
    [
        # the first word fits two groups; the words that leave a time make the name
        (
            "/jadwal ke:Grup Demo A besok 08:00 Halo",
            AMBIGUOUS_GRUP + "\n" + quotes('ke:"Grup Demo A"', "Grup"),
        ),
        (
            "/jadwal ke:Grup Satu besok 08:00 Halo",
            AMBIGUOUS_GRUP + "\n" + quotes('ke:"Grup Satu"', "Grup"),
        ),
        # the first word fits one group, whose name goes on with the next word
        ("/jadwal ke:Alumni SMA besok 08:00 Halo", quotes('ke:"Alumni SMA"', "Alumni")),
        # the first word fits one group; what follows it is no time
        ("/jadwal ke:Alumni Lama besok 08:00 Halo", quotes('ke:"Alumni Lama"', "Alumni")),
        # the list and the owner's spelling of ke: are kept in the example
        ("/jadwal TO:2, Alumni SMA besok 08:00 Halo", quotes('TO:2, "Alumni SMA"', "Alumni")),
    ],
)
async def test_an_unquoted_name_with_spaces_is_refused_with_how_to_quote_it(
    bot_with_target: Bot, command: str, reply: str
):
    assert await bot_with_target.say(command) == reply
    assert await queued(bot_with_target) == []


async def test_an_unquoted_name_before_an_unreadable_time_shows_both(bot_with_target: Bot):
    reply = await bot_with_target.say("/jadwal ke:Alumni Lama kapan-kapan Halo")
    # no words after the name leave a time: the parser's own reason, then how to quote
    expected = f"{_parse_error(bot_with_target, 'Lama kapan-kapan Halo')}\n\n" + quotes(
        'ke:"Alumni Lama"', "Alumni"
    )
    assert reply.startswith(expected + "\n\nCara pakai:\n/jadwal"), reply
    assert await queued(bot_with_target) == []


def _parse_error(bot: Bot, phrase: str) -> str:
    parsed = parse_schedule(phrase, bot.clock(), bot.services.tz, typed_at=bot.clock())
    assert parsed.error is not None
    return parsed.error


async def test_a_group_that_does_not_exist_is_refused_without_a_quoting_hint(
    bot_with_target: Bot,
):
    reply = await bot_with_target.say("/jadwal ke:Arisan besok 08:00 Halo")
    assert reply == m.TARGET_NOT_FOUND.format(query="Arisan")  # the time follows it: no name
    assert await queued(bot_with_target) == []


@pytest.mark.parametrize(
    ("command", "text"),
    [
        ("/jadwal besok 08:00 ke rumah dulu", "ke rumah dulu"),  # no colon: text
        ("/jadwal besok 08:00 ke: rumah dulu", "ke: rumah dulu"),  # a space after the colon
        ("/jadwal besok 08:00 Halo ke:2", "Halo ke:2"),  # not the first word after the time
        ("/jadwal besok 08:00 Halo\nke:2 nanti", "Halo\nke:2 nanti"),  # nor on a later line
    ],
)
async def test_ke_elsewhere_in_the_text_stays_text(bot_with_target: Bot, command: str, text: str):
    reply = await bot_with_target.say(command)
    assert reply.startswith("#1 terjadwal"), reply
    post = await only_post(bot_with_target)
    assert (groups_of(post), post.text) == ([DEMO_A], text)


# --- ke: right after the time -------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        "/jadwal besok 08:00\nke:3\nHalo semua\nBaris dua",
        "/jadwal besok 08:00 ke:3\nHalo semua\nBaris dua",
        "/jadwal besok 08:00 ke:3 Halo semua\nBaris dua",
        "/jadwal besok 08:00\nke:3 Halo semua\nBaris dua",
        "/jadwal besok 08:00 @semua ke:3 Halo semua\nBaris dua",
    ],
)
async def test_ke_right_after_the_time_names_the_groups(bot_with_target: Bot, command: str):
    reply = await bot_with_target.say(command)
    assert "-> Grup Demo B" in reply, reply
    post = await only_post(bot_with_target)
    assert (groups_of(post), post.text) == ([DEMO_B], "Halo semua\nBaris dua")
    assert post.mention_all is ("@semua" in command)


async def test_ke_after_the_time_of_a_poll(bot_with_target: Bot):
    reply = await bot_with_target.say("/polling besok 08:00 ke:1,3 Makan? | Bakso | Soto")
    assert reply.startswith("#1 terjadwal (polling)"), reply
    post = await only_post(bot_with_target)
    assert groups_of(post) == [ALUMNI, DEMO_B]
    assert post.poll is not None and parse_poll(post.poll) == PollSpec("Makan?", ("Bakso", "Soto"))


async def test_ke_before_and_after_the_time_is_refused(bot_with_target: Bot):
    reply = await bot_with_target.say("/jadwal ke:1 besok 08:00 ke:2 Halo")
    assert reply == m.TARGET_TWICE.format(first="ke:1", second="ke:2")
    assert await queued(bot_with_target) == []


async def test_an_unquoted_name_after_the_time_that_goes_on_is_refused(bot_with_target: Bot):
    reply = await bot_with_target.say("/jadwal besok 08:00 ke:Alumni SMA Halo")
    assert reply == quotes('ke:"Alumni SMA"', "Alumni")
    assert await queued(bot_with_target) == []


async def test_the_groups_note_says_where_ke_is_read(bot: Bot):
    help_text = await bot.say("/bantuan jadwal")
    assert m.JADWAL_GROUPS in help_text
    assert "tepat sesudah waktunya" in m.JADWAL_GROUPS


# --- @semua with punctuation -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "text"),
    [
        ("/jadwal besok 08:00 @semua! Rapat jam 8", "Rapat jam 8"),
        ("/jadwal besok 08:00 @semua, rapat jam 8", "rapat jam 8"),
        ("/jadwal besok 08:00 @all. Rapat jam 8", "Rapat jam 8"),
        ("/jadwal besok 08:00 Rapat jam 8 (@semua)", "Rapat jam 8"),
        ("/jadwal besok 08:00 Halo @semua, rapat jam 8", "Halo, rapat jam 8"),
        ("/jadwal @semua! besok 08:00 Rapat jam 8", "Rapat jam 8"),
        ("/jadwal @semua ke:2 besok 08:00 Rapat jam 8", "Rapat jam 8"),
        ("/jadwal besok @semua 08:00 Rapat jam 8", "Rapat jam 8"),
    ],
)
async def test_the_marker_with_punctuation_mentions_everyone(
    bot_with_target: Bot, command: str, text: str
):
    reply = await bot_with_target.say(command)
    assert reply.startswith("#1 terjadwal Minggu, 22 Nov 2026 08:00 WIB"), reply
    assert reply.endswith(m.MENTION_ALL_NOTE)
    post = await only_post(bot_with_target)
    assert (post.text, post.mention_all) == (text, True)


async def test_a_marker_after_an_unclear_time_keeps_the_proposal(bot_with_target: Bot):
    reply = await bot_with_target.say("/jadwal 3 hari lagi jam 10 @semua! Halo")
    assert "Maksudnya Selasa, 24 Nov 2026 10:00 WIB?" in reply, reply
    assert await bot_with_target.say("ya") == (
        "#1 terjadwal Selasa, 24 Nov 2026 10:00 WIB -> Grup Demo A (2 hari 14 jam lagi)\n"
        "\u201cHalo\u201d\n" + m.MENTION_ALL_NOTE
    )
    post = await only_post(bot_with_target)
    assert (post.text, post.mention_all) == ("Halo", True)


async def test_an_email_like_marker_is_text(bot_with_target: Bot):
    await bot_with_target.say("/jadwal besok 08:00 Tanya ke info@semua.id atau @semuanya")
    post = await only_post(bot_with_target)
    assert (post.text, post.mention_all) == ("Tanya ke info@semua.id atau @semuanya", False)


# --- (banyak) before the time --------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        "/polling (banyak) besok 08:00 Bawa apa? | Nasi | Lauk",
        "/polling ke:2 (banyak) besok 08:00 Bawa apa? | Nasi | Lauk",
        "/polling (multi) ke:2 besok 08:00 Bawa apa? | Nasi | Lauk",
        "/polling (banyak) besok 08:00 (banyak) Bawa apa? | Nasi | Lauk",
    ],
)
async def test_banyak_before_the_time_is_a_poll_of_several_choices(
    bot_with_target: Bot, command: str
):
    reply = await bot_with_target.say(command)
    assert reply.startswith("#1 terjadwal (polling) Minggu, 22 Nov 2026 08:00 WIB"), reply
    post = await only_post(bot_with_target)
    assert groups_of(post) == [DEMO_A]
    assert post.poll is not None
    assert parse_poll(post.poll) == PollSpec("Bawa apa?", ("Nasi", "Lauk"), multiple=True)


async def test_banyak_before_the_time_of_a_post_is_not_taken(bot_with_target: Bot):
    reply = await bot_with_target.say("/jadwal (banyak) besok 08:00 Halo")
    assert reply.startswith(_parse_error(bot_with_target, "(banyak) besok 08:00 Halo"))
    assert await queued(bot_with_target) == []


# --- empty media -------------------------------------------------------------------------------


def media(kind: MediaKind, mime: str, *, size: int | None, fetched: list[int]) -> MediaRef:
    async def fetch() -> bytes:
        fetched.append(1)
        return b""

    return MediaRef(mime, fetch, kind=kind, file_name="kosong.pdf", size=size)


async def say_with(bot: Bot, text: str, ref: MediaRef) -> str:
    message: IncomingMessage = replace(make_message(text, timestamp=bot.clock()), media=ref)
    return await bot.send(message)


@pytest.mark.parametrize(
    ("kind", "mime", "name"),
    [
        (MediaKind.DOCUMENT, "application/pdf", "Dokumen"),
        (MediaKind.IMAGE, "image/jpeg", "Foto"),
        (MediaKind.VIDEO, "video/mp4", "Video"),
        (MediaKind.AUDIO, "audio/mpeg", "Audio"),
        (MediaKind.VOICE, "audio/ogg; codecs=opus", "Pesan suara"),
    ],
)
@pytest.mark.parametrize("declared", [0, None], ids=["declared-empty", "size-unknown"])
async def test_empty_media_is_refused_when_scheduled(
    bot_with_target: Bot, kind: MediaKind, mime: str, name: str, declared: int | None
):
    fetched: list[int] = []
    caption = "" if kind in (MediaKind.AUDIO, MediaKind.VOICE) else " x"
    reply = await say_with(
        bot_with_target,
        "/jadwal besok 08:00" + caption,
        media(kind, mime, size=declared, fetched=fetched),
    )
    assert reply == m.MEDIA_EMPTY.format(Kind=name)
    assert fetched == ([] if declared == 0 else [1])  # a declared 0 is refused before fetching
    assert await queued(bot_with_target) == []
