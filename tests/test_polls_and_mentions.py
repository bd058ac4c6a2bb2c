"""/polling and `@semua` through the real dispatcher, store and scheduler: what is queued, how
/lihat and /antrian show it, what the delivery hands the transport, what is refused, and that
a backup keeps both."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot import messages as m
from bot.backup import BackupError, post_record, read_backup
from bot.models import PostContent, PostStatus
from bot.pollspec import PollSpec, parse_poll
from bot.repeat import RepeatRule
from bot.series import queue_next_occurrences
from bot.store import Store
from tests.conftest import SATURDAY_EVENING, Bot
from tests.fakes import GROUPS, eventually, make_message

WIB = ZoneInfo("Asia/Jakarta")


async def test_a_poll_is_queued_shown_and_sent_to_each_named_group(bot_with_target: Bot):
    bot = bot_with_target
    reply = await bot.say("/poll ke:2,3 dalam 1 menit (banyak) Bawa apa? | Nasi | Lauk | Buah")
    assert reply.startswith("#1 terjadwal (polling)")
    assert "-> Grup Demo A, Grup Demo B" in reply and "\u201cBawa apa?\u201d" in reply
    post = await bot.app.store.get_post(1)
    assert post is not None and post.poll is not None and post.text == ""
    expected = PollSpec("Bawa apa?", ("Nasi", "Lauk", "Buah"), multiple=True)
    assert parse_poll(post.poll) == expected
    before = len(bot.transport.replies())
    assert bot.app.dispatcher is not None
    await bot.app.dispatcher.dispatch(make_message("/lihat 1", timestamp=bot.clock()))
    shown, state = bot.transport.replies()[before:]  # the poll, then its state and history
    assert shown == expected.describe() and state.startswith("#1 menunggu")
    queue = await bot.say("/antrian")
    assert f"   {m.POLL_TAG}Bawa apa?" in queue.splitlines()
    bot.clock.advance(minutes=1)  # type: ignore[attr-defined]
    bot.services.queue_changed()
    await eventually(lambda: len(bot.transport.posts()) == 2)
    assert [(s.chat, s.poll, s.mention_all) for s in bot.transport.posts()] == [
        (GROUPS[0].jid, expected, False),
        (GROUPS[1].jid, expected, False),
    ]


async def test_semua_is_taken_out_and_every_group_is_sent_a_mention_of_all(bot_with_target: Bot):
    bot = bot_with_target
    reply = await bot.say("/jadwal ke:2,1 dalam 1 menit Rapat @semua nanti malam\nBawa buku")
    assert reply.startswith("#1 terjadwal") and reply.endswith(m.MENTION_ALL_NOTE)
    post = await bot.app.store.get_post(1)
    assert post is not None and post.mention_all and post.poll is None
    assert post.text == "Rapat nanti malam\nBawa buku"
    assert f"   {m.MENTION_ALL_TAG}Rapat nanti malam Bawa buku" in (await bot.say("/antrian"))
    bot.clock.advance(minutes=1)  # type: ignore[attr-defined]
    bot.services.queue_changed()
    await eventually(lambda: len(bot.transport.posts()) == 2)
    assert [(s.chat, s.text, s.mention_all) for s in bot.transport.posts()] == [
        (GROUPS[0].jid, "Rapat nanti malam\nBawa buku", True),
        (GROUPS[2].jid, "Rapat nanti malam\nBawa buku", True),
    ]


async def test_a_post_without_the_marker_mentions_nobody(bot_with_target: Bot):
    bot = bot_with_target
    await bot.say("/jadwal dalam 1 menit Kirim email ke semua@contoh.id")  # not the word @semua
    bot.clock.advance(minutes=1)  # type: ignore[attr-defined]
    bot.services.queue_changed()
    await eventually(lambda: len(bot.transport.posts()) == 1)
    [sent] = bot.transport.posts()
    assert (sent.text, sent.mention_all) == ("Kirim email ke semua@contoh.id", False)


async def test_semua_in_a_photo_caption_is_kept_as_a_mention(bot_with_target: Bot):
    bot = bot_with_target
    reply = await bot.say("/jadwal besok 08:00 @all Foto kegiatan", image=b"\xff\xd8\xff\xe0")
    assert reply.startswith("#1 terjadwal (foto)") and m.MENTION_ALL_NOTE in reply
    post = await bot.app.store.get_post(1)
    assert post is not None and post.mention_all and post.text == "Foto kegiatan"


@pytest.mark.parametrize(
    ("command", "reason"),
    [
        ("/polling besok 08:00 Makan? | Bakso", m.POLL_TOO_FEW.format(count=1, minimum=2)),
        ("/polling besok 08:00 Makan? | Bakso | bakso", m.POLL_DUPLICATE.format(option="bakso")),
        ("/polling besok 08:00 (banyak) | Bakso | Soto", m.POLL_NO_QUESTION),
        ("/polling besok 08:00 @semua Makan? | Bakso | Soto", m.POLL_NO_MENTION_ALL),
    ],
    ids=["one-option", "duplicate", "no-question", "mention-all"],
)
async def test_a_poll_whatsapp_would_refuse_is_refused_with_the_reason(
    bot_with_target: Bot, command: str, reason: str
):
    reply = await bot_with_target.say(command)
    assert reply.startswith(reason) and "/polling <kapan> <pertanyaan>" in reply
    assert await bot_with_target.app.store.all_posts() == []


async def test_a_polls_text_cannot_be_changed_but_its_time_can(bot_with_target: Bot):
    bot = bot_with_target
    await bot.say("/polling besok 08:00 Makan? | Bakso | Soto")
    assert await bot.say("/ubah 1 teks Minum? | Teh | Kopi") == m.POLL_TEXT_REFUSED.format(id=1)
    post = await bot.app.store.get_post(1)
    assert post is not None and post.poll is not None and parse_poll(post.poll).question == "Makan?"
    assert (await bot.say("/ubah 1 besok 09:00")).startswith("#1 dipindah")


async def test_the_next_occurrence_of_a_series_keeps_its_poll_and_mention(tmp_path: Path):
    store = await Store.open(tmp_path / "bot.db")
    daily = RepeatRule(hour=21, minute=0).to_text()
    spec = PollSpec("Hadir?", ("Ya", "Tidak")).to_text()
    group = [(GROUPS[0].jid, GROUPS[0].name)]
    now = SATURDAY_EVENING
    try:
        firsts = [
            await store.add_post(
                now, PostContent("", poll=spec), group, repeat_rule=daily, now=now
            ),
            await store.add_post(
                now, PostContent("Absen", mention_all=True), group, repeat_rule=daily, now=now
            ),
        ]
        for first in firsts:  # each occurrence over: sent
            claimed = await store.claim_due(first.id, now)
            assert claimed is not None
            await store.move(first.id, PostStatus.SENT, expect=PostStatus.SENDING, now=now)
        queued = await queue_next_occurrences(store, now, WIB)
    finally:
        await store.close()
    assert sorted((p.series_id, p.text, p.poll, p.mention_all) for p in queued) == [
        (firsts[0].id, "", spec, False),
        (firsts[1].id, "Absen", None, True),
    ]


async def test_a_backup_keeps_poll_and_mention_all_and_an_old_one_still_reads(tmp_path: Path):
    store = await Store.open(tmp_path / "bot.db")
    spec = PollSpec("Makan di mana?", ("Bakso", "Soto"), multiple=True).to_text()
    group = [(GROUPS[0].jid, GROUPS[0].name)]
    due = SATURDAY_EVENING + timedelta(hours=12)
    try:
        poll = await store.add_post(due, PostContent("", poll=spec), group, now=SATURDAY_EVENING)
        loud = await store.add_post(
            due, PostContent("Rapat", mention_all=True), group, now=SATURDAY_EVENING
        )
        plain = await store.add_post(due, PostContent("Biasa"), group, now=SATURDAY_EVENING)
    finally:
        await store.close()
    lines = [json.dumps(post_record(p, WIB)) for p in (poll, loud, plain)]
    restored = await Store.open(tmp_path / "restored.db")
    try:
        await restored.restore_posts(read_backup(lines, SATURDAY_EVENING), SATURDAY_EVENING)
        back = await restored.all_posts()
    finally:
        await restored.close()
    assert [(p.id, p.poll, p.mention_all) for p in back] == [
        (poll.id, spec, False),
        (loud.id, None, True),
        (plain.id, None, False),
    ]
    older = json.loads(lines[1])
    del older["poll"], older["mention_all"]  # a backup from before them
    [read] = read_backup([json.dumps(older)], SATURDAY_EVENING)
    assert (read.poll, read.mention_all) == (None, False)


async def test_a_backup_with_a_poll_that_cannot_be_sent_is_refused(tmp_path: Path):
    store = await Store.open(tmp_path / "bot.db")
    try:
        post = await store.add_post(
            SATURDAY_EVENING,
            PostContent("", poll="Tanya? | A | B"),
            [(GROUPS[0].jid, GROUPS[0].name)],
        )
    finally:
        await store.close()
    record = post_record(post, WIB)
    record["poll"] = "Tanya? | A"
    with pytest.raises(BackupError) as refused:
        read_backup([json.dumps(record)], SATURDAY_EVENING)
    assert refused.value.line == 1 and "poll" in refused.value.reason
