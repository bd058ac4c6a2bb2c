"""`python -m bot queue --json` is a backup that `python -m bot restore FILE` reads back into an
empty data dir: ids, states, times, series and rules kept, all or nothing; run as real
subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import exitcodes
from bot.backup import BackupError, read_backup
from bot.lockfile import InstanceLock
from bot.models import PostContent, PostStatus
from bot.repeat import RepeatRule
from bot.settings import Settings
from bot.store import Store
from tests.conftest import SATURDAY_EVENING, BotFactory, Clock
from tests.fakes import JPEG

ROOT = Path(__file__).resolve().parent.parent
GROUP = "120363000000000001@g.us"
MONDAY_NINE = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 09:00 WIB
DAILY = RepeatRule(hour=9, minute=0).to_text()


def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JADWAL_")}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "bot", *map(str, args)],
        cwd=ROOT / "tests",
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


def backup(data_dir: Path) -> str:
    done = cli("queue", "--json", "--data-dir", data_dir)
    assert done.returncode == exitcodes.OK, done.stderr
    return done.stdout


async def fill(data_dir: Path) -> None:
    """Every kind of post: pending, cancelled, sent, failed, photos, a series of three."""
    store = await Store.open(data_dir / "bot.db")
    now = SATURDAY_EVENING
    try:
        await store.add_post(
            now + timedelta(hours=12),
            PostContent("Selamat pagi \u201csemua\u201d\nbaris 2"),
            [(GROUP, "Grup Demo A")],
            now=now,
        )
        cancelled = await store.add_post(
            now + timedelta(hours=2), PostContent("Batal"), [(GROUP, "Grup Demo A")], now=now
        )
        await store.move(cancelled.id, PostStatus.CANCELLED, expect=PostStatus.PENDING, now=now)
        await store.add_post(
            now + timedelta(hours=3),
            PostContent("Foto ada", media_path="ada.jpg", media_mime="image/jpeg"),
            [(GROUP, "Grup Demo A")],
            now=now,
        )
        await store.add_post(
            now + timedelta(hours=4),
            PostContent("", media_path="hilang.png", media_mime="image/png"),
            [(GROUP, "Grup Demo A")],
            now=now,
        )
        first = await store.add_post(
            MONDAY_NINE, PostContent("Senam"), [(GROUP, "Grup Demo A")], now=now, repeat_rule=DAILY
        )
        for post_id, outcome in ((first.id, PostStatus.SENT), (None, PostStatus.FAILED)):
            if post_id is None:
                post_id = (
                    await store.add_post(
                        MONDAY_NINE + timedelta(days=1),
                        PostContent("Senam"),
                        [(GROUP, "Grup Demo A")],
                        now=now,
                        repeat_rule=DAILY,
                        series_id=first.id,
                    )
                ).id
            await store.move(post_id, PostStatus.SENDING, expect=PostStatus.PENDING)
            await store.move(
                post_id,
                outcome,
                expect=PostStatus.SENDING,
                reason="grup tidak ditemukan",
                wa_message_id="wa-1",
                sent_at=MONDAY_NINE if outcome is PostStatus.SENT else None,
            )
        await store.add_post(
            MONDAY_NINE + timedelta(days=2),
            PostContent("Senam"),
            [(GROUP, "Grup Demo A")],
            now=now,
            repeat_rule=DAILY,
            series_id=first.id,
        )
    finally:
        await store.close()


@pytest.fixture
async def original(tmp_path: Path) -> Path:
    data_dir = tmp_path / "old"
    await fill(data_dir)
    (data_dir / "media").mkdir()
    (data_dir / "media" / "ada.jpg").write_bytes(JPEG)
    return data_dir


async def test_round_trip_keeps_every_post(
    original: Path, tmp_path: Path, start_bot: BotFactory, settings: Settings
):
    saved = tmp_path / "backup.jsonl"
    saved.write_text(backup(original), encoding="utf-8")
    rows = [json.loads(line) for line in saved.read_text(encoding="utf-8").splitlines()]
    assert [(r["id"], r["status"], r["series_id"]) for r in rows] == [
        (1, "pending", None),
        (2, "cancelled", None),
        (3, "pending", None),
        (4, "pending", None),
        (5, "sent", 5),
        (6, "failed", 5),
        (7, "pending", 5),
    ]
    assert rows[4]["rule"] == json.loads(DAILY) and rows[4]["repeat"] == "setiap hari 09:00"
    assert rows[4]["deliveries"][0]["sent_at"] == "2026-11-23T09:00:00+07:00"
    assert rows[5]["deliveries"][0]["last_error"] == "grup tidak ditemukan"
    restored = settings.data_dir  # the data dir the bot below runs on
    (restored / "media").mkdir(parents=True)
    (restored / "media" / "ada.jpg").write_bytes(JPEG)  # the media copied over by hand

    done = cli("restore", saved, "--data-dir", restored)
    assert done.returncode == exitcodes.OK, done.stderr
    assert done.stdout.splitlines() == [
        f"restored 7 post(s), 1 repeating series, into {restored / 'bot.db'}",
        f"media missing in {restored / 'media'}: #4 (hilang.png). Copy those files there from "
        "the old data/media/ before they are due, or those posts will fail.",
    ]
    assert backup(restored) == saved.read_text(encoding="utf-8")

    bot = await start_bot(clock=Clock(SATURDAY_EVENING))
    await bot.say("/tujuan Grup Demo A")
    assert (await bot.say("/jadwal besok 10:00 Baru")).startswith("#8 terjadwal")
    assert "#5 Rab 25 Nov 09:00 -> Grup Demo A" in await bot.say("/antrian")
    assert [e[3] for e in await bot.app.store.events(6)] == ["restored from backup"]


async def test_plain_queue_names_the_series_and_its_rule(original: Path):
    done = cli("queue", "--data-dir", original)
    lines = done.stdout.splitlines()
    assert lines[6].startswith(
        "#7     pending    2026-11-25 09:00  Grup Demo A: [seri #5: setiap hari 09:00] Senam"
    )


async def test_restore_refuses_a_data_dir_with_posts(original: Path, tmp_path: Path):
    saved = tmp_path / "backup.jsonl"
    before = backup(original)
    saved.write_text(before, encoding="utf-8")
    done = cli("restore", saved, "--data-dir", original)
    assert done.returncode == exitcodes.USAGE
    assert done.stdout == ""
    assert done.stderr.strip() == (
        f"jadwal-bot restore: {original / 'bot.db'} already holds 7 post(s); restore only "
        "into an empty data dir (give a new --data-dir); nothing was restored"
    )
    assert backup(original) == before


async def test_a_malformed_line_is_named_and_nothing_is_written(original: Path, tmp_path: Path):
    lines = backup(original).splitlines()
    lines[4] = lines[4].replace(
        '"due_at": "2026-11-23T09:00:00+07:00"', '"due_at": "2026-11-23 09:00"'
    )
    saved = tmp_path / "backup.jsonl"
    saved.write_text("\n".join(lines) + "\n", encoding="utf-8")
    empty = tmp_path / "new"
    done = cli("restore", saved, "--data-dir", empty)
    assert done.returncode == exitcodes.USAGE
    assert done.stderr.strip() == (
        f"jadwal-bot restore: {saved} line 5: due_at '2026-11-23 09:00' has no UTC offset; "
        "nothing was restored"
    )
    assert backup(empty) == ""


async def test_restore_refuses_while_the_bot_runs(original: Path, tmp_path: Path):
    saved = tmp_path / "backup.jsonl"
    saved.write_text(backup(original), encoding="utf-8")
    empty = tmp_path / "new"
    with InstanceLock(empty / "bot.lock"):
        done = cli("restore", saved, "--data-dir", empty)
    assert done.returncode == exitcodes.ALREADY_RUNNING
    assert "stop it first; nothing was restored" in done.stderr
    assert backup(empty) == ""


def test_a_missing_backup_file(tmp_path: Path):
    done = cli("restore", tmp_path / "nope.jsonl", "--data-dir", tmp_path / "new")
    assert done.returncode == exitcodes.USAGE
    assert "cannot read" in done.stderr and "nothing was restored" in done.stderr


GOOD = {
    "id": 1,
    "status": "pending",
    "due_at": "2026-11-22T08:00:00+07:00",
    "text": "Hai",
    "media": None,
    "destination": GROUP,
    "destination_name": "Grup Demo A",
}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"status": "done"}, "unknown status 'done'"),
        ({"id": "1"}, "id must be a number, not '1'"),
        ({"id": 0}, "id must be a positive number"),
        ({"id": True}, "id must be a number, not True"),
        ({"due_at": "besok"}, "due_at 'besok' is not an ISO 8601 time"),
        ({"due_at": None}, "due_at is missing"),
        ({"text": 5}, "text must be text, not 5"),
        ({"destination": ""}, "destination is empty"),
        ({"media": "../bot.db"}, "media '../bot.db' is not a name inside the media directory"),
        ({"media": "/etc/passwd"}, "media '/etc/passwd' is not a name inside the media directory"),
        ({"series_id": 1}, "a repeating post needs both series_id and rule"),
        ({"series_id": 1, "rule": {"v": 99}}, "not a repeat rule: '{\"v\":99}'"),
        (
            {"series_id": 2, "rule": json.loads(DAILY)},
            "series_id 2 names no post that starts a series in this backup",
        ),
    ],
)
def test_each_bad_field_is_named(change: dict[str, object], reason: str):
    line = json.dumps({**GOOD, **change})
    with pytest.raises(BackupError) as refused:
        read_backup(["", json.dumps({**GOOD, "id": 9}), line], SATURDAY_EVENING)
    assert (refused.value.line, refused.value.reason) == (3, reason)


def test_structural_problems_are_named():
    now = SATURDAY_EVENING
    for lines, line, reason in (
        (
            ["{not json"],
            1,
            "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
        ),
        (["[1, 2]"], 1, "not a JSON object"),
        ([json.dumps(GOOD), json.dumps(GOOD)], 2, "post id 1 already on line 1"),
        ([json.dumps({k: v for k, v in GOOD.items() if k != "status"})], 1, "missing 'status'"),
    ):
        with pytest.raises(BackupError) as refused:
            read_backup(lines, now)
        assert (refused.value.line, refused.value.reason) == (line, reason)


def test_a_backup_from_before_series_still_reads():
    [post] = read_backup([json.dumps(GOOD)], SATURDAY_EVENING)
    assert (post.id, post.status, post.series_id, post.repeat_rule) == (
        1,
        PostStatus.PENDING,
        None,
        None,
    )
    assert post.due_at == datetime(2026, 11, 22, 1, 0, tzinfo=UTC)
    assert post.created_at == SATURDAY_EVENING
