"""Deliveries on disk: a version 3 bot.db (one group per post) migrates to one delivery per post
with nothing lost; the read-only queue reads both versions alike; a backup of posts to several
groups restores as it was, beside lines of the old single-group form."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot import exitcodes
from bot.backup import BackupError, post_record, read_backup
from bot.dbpeek import read_queue
from bot.migrations import MIGRATIONS
from bot.models import FINISHED, MAY_BE_SENT, RETRYABLE, MediaKind, PostContent, PostStatus
from bot.store import Store
from bot.storebase import status_list
from tests.conftest import SATURDAY_EVENING
from tests.test_backup_restore import cli

WIB = ZoneInfo("Asia/Jakarta")
GROUP_A = ("120363000000000001@g.us", "Grup Demo A")
GROUP_B = ("120363000000000002@g.us", "Grup Demo B")
T0 = "2026-11-21T10:00:00.000000Z"
T1 = "2026-11-21T11:00:00.000000Z"


def version_3_database(path: Path) -> None:
    """bot.db as version 3 left it: each post's group, sent time, message id and error on its
    own row; events without a group."""
    db = sqlite3.connect(path)
    try:
        for script in MIGRATIONS[:3]:
            db.executescript(script)
        db.execute("PRAGMA user_version=3")
        rows = [
            # id, status, due, text, media, mime, sent_at, wa id, error
            (1, "pending", T1, "Menunggu", None, None, None, None, None),
            (2, "sent", T0, "Terkirim", None, None, T0, "wa-2", None),
            (3, "failed", T0, "Gagal", "abc.jpg", "image/jpeg", None, None, "grup hilang"),
        ]
        for post_id, status, due, text, media, mime, sent_at, wa, error in rows:
            db.execute(
                "INSERT INTO posts (id, status, due_at, text, media_path, media_mime,"
                " destination, destination_name, created_at, updated_at, sent_at,"
                " wa_message_id, last_error) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (post_id, status, due, text, media, mime, *GROUP_A, T0, T0, sent_at, wa, error),
            )
            moves: list[tuple[str | None, str, str | None]] = [(None, "pending", "created")]
            if status != "pending":
                moves += [("pending", "sending", "due"), ("sending", status, error)]
            db.executemany(
                "INSERT INTO post_events (post_id, at, from_status, to_status, reason)"
                " VALUES (?, ?, ?, ?, ?)",
                [(post_id, T0, before, after, why) for before, after, why in moves],
            )
        db.commit()
    finally:
        db.close()


async def test_a_version_3_database_moves_each_group_into_a_delivery(tmp_path: Path):
    path = tmp_path / "bot.db"
    version_3_database(path)
    before, _ = read_queue(path)  # the read-only queue on the old file, left as it is
    assert [len(p.deliveries) for p in before] == [1, 1, 1]

    store = await Store.open(path)
    try:
        after = await store.all_posts()
        assert [post_record(p, WIB) for p in after] == [post_record(p, WIB) for p in before]
        pending, sent, failed = after
        assert [p.status for p in after] == [PostStatus.PENDING, PostStatus.SENT, PostStatus.FAILED]
        assert [(d.destination, d.destination_name) for d in sent.deliveries] == [GROUP_A]
        assert (sent.deliveries[0].status, sent.wa_message_id) == (PostStatus.SENT, "wa-2")
        assert sent.sent_at == datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
        assert failed.last_error == "grup hilang"
        assert (failed.media_kind, pending.media_kind) == (MediaKind.IMAGE, None)
        moves = [(e.after, e.group) for e in await store.post_events(sent.id)]
        assert moves == [("pending", None), ("sending", "Grup Demo A"), ("sent", "Grup Demo A")]
        # the post rows no longer hold what moved: only the deliveries are read
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            left = db.execute(
                "SELECT DISTINCT destination, sent_at, wa_message_id, last_error FROM posts"
            ).fetchall()
            version = db.execute("PRAGMA user_version").fetchone()[0]
        finally:
            db.close()
        assert left == [("", None, None, None)]
        assert version == len(MIGRATIONS)
        # and the migrated queue works on: the pending post goes out, claimed by its group
        claimed = await store.claim_due(pending.id, datetime(2026, 11, 21, 11, 0, tzinfo=UTC))
        assert claimed is not None and claimed.destination == GROUP_A[0]
    finally:
        await store.close()
    read_after, _ = read_queue(path)
    assert read_after[0].status is PostStatus.SENDING


async def several_groups(data_dir: Path) -> None:
    store = await Store.open(data_dir / "bot.db")
    try:
        now = SATURDAY_EVENING
        post = await store.add_post(now, PostContent("Dua grup"), [GROUP_A, GROUP_B], now=now)
        first, second = post.deliveries
        # as the scheduler goes: one group at a time
        await store.move(
            post.id, PostStatus.SENDING, expect=PostStatus.PENDING, delivery_id=first.id
        )
        await store.move(
            post.id,
            PostStatus.SENT,
            expect=PostStatus.SENDING,
            delivery_id=first.id,
            wa_message_id="wa-1",
            sent_at=now,
        )
        await store.move(
            post.id, PostStatus.SENDING, expect=PostStatus.PENDING, delivery_id=second.id
        )
        assert await store.move(
            post.id, PostStatus.FAILED, expect=PostStatus.SENDING, reason="grup hilang"
        )
        await store.add_post(
            now + timedelta(days=1),
            PostContent(
                "Dokumen",
                media_path="laporan.pdf",
                media_mime="application/pdf",
                media_kind=MediaKind.DOCUMENT,
                media_filename="Laporan Nov.pdf",
            ),
            [GROUP_B, GROUP_A],
            now=now,
        )
    finally:
        await store.close()


async def test_a_backup_of_several_groups_restores_as_it_was(tmp_path: Path):
    original = tmp_path / "old"
    await several_groups(original)
    saved = tmp_path / "backup.jsonl"
    done = cli("queue", "--json", "--data-dir", original)
    assert done.returncode == exitcodes.OK, done.stderr
    saved.write_text(done.stdout, encoding="utf-8")
    first, second = (json.loads(line) for line in done.stdout.splitlines())
    assert first["status"] == "failed"
    assert [
        (d["destination_name"], d["status"], d["wa_message_id"]) for d in first["deliveries"]
    ] == [
        ("Grup Demo A", "sent", "wa-1"),
        ("Grup Demo B", "failed", None),
    ]
    assert first["deliveries"][1]["last_error"] == "grup hilang"
    assert (second["media_kind"], second["media_filename"]) == ("document", "Laporan Nov.pdf")
    assert [d["destination_name"] for d in second["deliveries"]] == ["Grup Demo B", "Grup Demo A"]

    restored = tmp_path / "new"
    done = cli("restore", saved, "--data-dir", restored)
    assert done.returncode == exitcodes.OK, done.stderr
    again = cli("queue", "--json", "--data-dir", restored)
    assert again.stdout == saved.read_text(encoding="utf-8")


def test_old_and_new_lines_read_side_by_side():
    old = {
        "id": 1,
        "status": "sent",
        "due_at": "2026-11-22T08:00:00+07:00",
        "text": "Lama",
        "media": "foto.jpg",
        "destination": GROUP_A[0],
        "destination_name": GROUP_A[1],
        "sent_at": "2026-11-22T08:00:01+07:00",
        "wa_message_id": "wa-7",
    }
    new = {
        "id": 2,
        "status": "pending",
        "due_at": "2026-11-23T08:00:00+07:00",
        "text": "Baru",
        "deliveries": [
            {"destination": GROUP_A[0], "destination_name": GROUP_A[1], "status": "sent"},
            {"destination": GROUP_B[0], "destination_name": GROUP_B[1], "status": "pending"},
        ],
    }
    one, two = read_backup([json.dumps(old), json.dumps(new)], SATURDAY_EVENING)
    assert [(d.destination, d.status, d.wa_message_id) for d in one.deliveries] == [
        (GROUP_A[0], PostStatus.SENT, "wa-7")
    ]
    assert one.media_kind is MediaKind.IMAGE  # photos were the only media then
    assert [d.status for d in two.deliveries] == [PostStatus.SENT, PostStatus.PENDING]


@pytest.mark.parametrize(
    ("deliveries", "reason"),
    [
        ([], "deliveries must be a list of at least one group"),
        (
            [{"destination": GROUP_A[0], "status": "sent"}] * 2,
            f"destination {GROUP_A[0]} is listed twice",
        ),
        ([{"destination": GROUP_A[0], "status": "gone"}], "unknown delivery status 'gone'"),
        (
            [{"destination": GROUP_A[0], "status": "sent"}],
            "status 'pending' does not match its deliveries (sent)",
        ),
    ],
)
def test_bad_deliveries_are_named(deliveries: list[object], reason: str):
    line = {"id": 1, "status": "pending", "due_at": "2026-11-23T08:00:00+07:00", "text": "x"}
    with pytest.raises(BackupError) as refused:
        read_backup([json.dumps({**line, "deliveries": deliveries})], SATURDAY_EVENING)
    assert (refused.value.line, refused.value.reason) == (1, reason)


def test_status_groups_become_one_sql_list():
    assert status_list(RETRYABLE) == "('failed','missed','uncertain')"
    assert status_list(FINISHED) == "('failed','missed','sent','uncertain')"
    assert RETRYABLE | {PostStatus.PENDING, PostStatus.SENDING} == MAY_BE_SENT


async def test_a_pending_post_with_no_pending_group_is_summed_up_not_claimed(tmp_path: Path):
    """Rows written by hand (a repair, an old tool) can disagree: the claim does not loop on
    such a post, it sums the post up again from its groups."""
    store = await Store.open(tmp_path / "bot.db")
    try:
        post = await store.add_post(
            SATURDAY_EVENING, PostContent("x"), [GROUP_A], now=SATURDAY_EVENING
        )
        await store._db.execute(
            "UPDATE deliveries SET status = 'sent' WHERE post_id = ?", (post.id,)
        )
        assert await store.claim_due(post.id, SATURDAY_EVENING) is None
        again = await store.get_post(post.id)
        assert again is not None and again.status is PostStatus.SENT
        assert await store.due_posts(SATURDAY_EVENING) == []
    finally:
        await store.close()
