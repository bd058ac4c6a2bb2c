"""A post some of whose groups got it and others not (yet): /riwayat and /lihat show each
group's state; the page refusals name their own list; `python -m bot queue` tags posts as
/antrian does and a delivery sent after a failure no longer carries its old reason."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from bot import exitcodes
from bot.models import MediaKind, Post, PostContent, PostStatus
from bot.pollspec import PollSpec
from bot.store import Store
from tests.conftest import SATURDAY_EVENING, Bot
from tests.fakes import GROUPS, make_message
from tests.test_cli import run_cli, work  # noqa: F401  (the fixture `work`)

A, B, C = GROUPS
SENT_AT = SATURDAY_EVENING - timedelta(minutes=30)  # 19:30 WIB


async def partly_sent(store: Store, other: PostStatus) -> Post:
    """A post to groups A and B: A got it at 19:30 WIB, B is `other` (pending or failed).
    Due tomorrow, so that the running bot's scheduler leaves B as it is."""
    post = await store.add_post(
        SATURDAY_EVENING + timedelta(days=1),
        PostContent("Rapat RT malam ini"),
        [(A.jid, A.name), (B.jid, B.name)],
        now=SENT_AT - timedelta(hours=1),
    )
    first, second = post.deliveries
    for delivery, to in ((first, PostStatus.SENT), (second, other)):
        if to is PostStatus.PENDING:
            continue
        await store.move(
            post.id,
            PostStatus.SENDING,
            expect=PostStatus.PENDING,
            delivery_id=delivery.id,
            now=SENT_AT,
        )
        await store.move(
            post.id,
            to,
            expect=PostStatus.SENDING,
            delivery_id=delivery.id,
            reason="grup tidak ditemukan" if to is PostStatus.FAILED else None,
            sent_at=SENT_AT if to is PostStatus.SENT else None,
            wa_message_id="wa-1" if to is PostStatus.SENT else None,
            now=SENT_AT,
        )
    found = await store.get_post(post.id)
    assert found is not None
    return found


async def test_history_lists_a_post_sent_to_some_groups_and_waiting_for_others(
    bot_with_target: Bot,
):
    bot = bot_with_target
    post = await partly_sent(bot.app.store, PostStatus.PENDING)
    assert post.status is PostStatus.PENDING
    await bot.say("/jadwal besok 08:00 Belum dikirim ke mana pun")  # not history
    reply = await bot.say("/riwayat")
    assert reply.splitlines() == [
        "Riwayat: 1 post (halaman 1/1), terbaru dulu",
        "#1 menunggu Sab 21 Nov 19:30 -> Grup Demo A (terkirim), Grup Demo B (menunggu)",
        "   Rapat RT malam ini",
    ]


async def test_history_shows_which_group_failed_beside_the_one_that_got_it(
    bot_with_target: Bot,
):
    await partly_sent(bot_with_target.app.store, PostStatus.FAILED)
    reply = await bot_with_target.say("/riwayat")
    assert reply.splitlines()[1:] == [
        "#1 gagal Sab 21 Nov 19:30 -> Grup Demo A (terkirim), Grup Demo B",
        "   Rapat RT malam ini (grup tidak ditemukan)",
    ]


async def test_show_gives_each_group_its_state_and_when_it_was_sent(bot_with_target: Bot):
    await partly_sent(bot_with_target.app.store, PostStatus.FAILED)
    assert bot_with_target.app.dispatcher is not None
    await bot_with_target.app.dispatcher.dispatch(make_message("/lihat 1"))  # the text, details
    details = bot_with_target.transport.last_reply().splitlines()
    at = details.index("Grup:")
    assert details[at + 1 : at + 3] == [
        "  Grup Demo A: terkirim Sab 21 Nov 19:30",
        "  Grup Demo B: gagal (grup tidak ditemukan)",
    ]


@pytest.mark.parametrize(
    ("command", "listed"), [("/riwayat 3", "riwayat"), ("/antrian 3", "antrian")]
)
async def test_a_page_past_the_last_names_the_list_it_is_missing_from(
    bot_with_target: Bot, command: str, listed: str
):
    await partly_sent(bot_with_target.app.store, PostStatus.FAILED)
    await bot_with_target.say("/jadwal besok 08:00 Menunggu")
    assert await bot_with_target.say(command) == (f"Halaman 3 tidak ada; {listed} punya 1 halaman.")


# --- python -m bot queue ----------------------------------------------------------------------


async def test_queue_text_tags_polls_media_and_mentions(work: Path, tmp_path: Path):  # noqa: F811
    data_dir = tmp_path / "data"
    store = await Store.open(data_dir / "bot.db")
    try:
        due, to = SATURDAY_EVENING + timedelta(days=1), [(A.jid, A.name)]
        poll = PollSpec("Makan di mana?", ("Bakso", "Soto"), multiple=False)
        await store.add_post(due, PostContent("", poll=poll.to_text()), to, now=SATURDAY_EVENING)
        for kind, name in ((MediaKind.VOICE, None), (MediaKind.DOCUMENT, "brosur.pdf")):
            content = PostContent(
                "",
                media_path=f"media/{kind.value}",
                media_mime="application/octet-stream",
                media_kind=kind,
                media_filename=name,
            )
            await store.add_post(due, content, to, now=SATURDAY_EVENING)
        await store.add_post(due, PostContent("Rapat", mention_all=True), to, now=SATURDAY_EVENING)
    finally:
        await store.close()
    done = run_cli(["queue", "--data-dir", str(data_dir)], work)
    assert done.returncode == exitcodes.OK, done.stderr
    assert [line.split(": ", 1)[1] for line in done.stdout.splitlines()] == [
        "[polling] Makan di mana?",
        "[pesan suara] ",
        "[dokumen brosur.pdf] ",
        "[@semua] Rapat",
    ]


async def test_a_delivery_sent_after_a_retry_drops_its_old_error(work: Path, tmp_path: Path):  # noqa: F811
    data_dir = tmp_path / "data"
    store = await Store.open(data_dir / "bot.db")
    try:
        post = await partly_sent(store, PostStatus.FAILED)
        failed = post.deliveries[1].id
        for to, expect in (
            (PostStatus.PENDING, PostStatus.FAILED),  # /ulang
            (PostStatus.SENDING, PostStatus.PENDING),
            (PostStatus.SENT, PostStatus.SENDING),
        ):
            await store.move(
                post.id, to, expect=expect, delivery_id=failed, sent_at=SATURDAY_EVENING
            )
    finally:
        await store.close()
    done = run_cli(["queue", "--json", "--data-dir", str(data_dir)], work)
    assert done.returncode == exitcodes.OK, done.stderr
    (row,) = [json.loads(line) for line in done.stdout.splitlines()]
    assert [(d["status"], d["last_error"]) for d in row["deliveries"]] == [
        ("sent", None),
        ("sent", None),
    ]
