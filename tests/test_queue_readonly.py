"""`python -m bot queue`, the backup, only reads: it creates and changes nothing in the data
dir (not even bot.db-wal or -shm), and so it also works on a full or read-only disk, in a
data dir it may only read, while the bot writes, and on an older version's database. Run as
real subprocesses; the full and read-only disks are real (tests/faultfs.py)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot import exitcodes
from bot.migrations import MIGRATIONS
from tests import faultfs
from tests.test_env_faults import bot_env, seeded, snapshot

POSTS = 3


def queue_argv(data_dir: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "bot", "queue", "--json", *extra, "--data-dir", str(data_dir)]


def run(argv: list[str], cwd: Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv,
        cwd=cwd,
        env=bot_env(),
        stdin=subprocess.DEVNULL,
        text=True,
        timeout=60,
        check=False,
        **kwargs,
    )  # type: ignore[call-overload]


def queue(data_dir: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run(queue_argv(data_dir), cwd, capture_output=True)


def ids(output: str) -> list[int]:
    return [json.loads(line)["id"] for line in output.splitlines()]


def names(data_dir: Path) -> list[str]:
    return sorted(str(p.relative_to(data_dir)) for p in data_dir.rglob("*"))


def test_queue_creates_and_changes_nothing(tmp_path: Path) -> None:
    data_dir = seeded(tmp_path / "data", POSTS)
    before, listed = snapshot(data_dir), names(data_dir)
    done = queue(data_dir, tmp_path)
    assert done.returncode == exitcodes.OK, done.stderr
    assert ids(done.stdout) == [1, 2, 3]
    assert names(data_dir) == listed  # no bot.db-wal, bot.db-shm, lock or log
    assert snapshot(data_dir) == before


def expected_output(data_dir: Path, tmp_path: Path) -> str:
    """What `queue` prints for `data_dir`, read from a copy: `data_dir` itself stays as it is."""
    copy = Path(shutil.copytree(data_dir, tmp_path / "reference"))
    done = queue(copy, tmp_path)
    assert done.returncode == exitcodes.OK, done.stderr
    assert ids(done.stdout) == [1, 2, 3]
    return done.stdout


def _in_namespace(
    tmp_path: Path,
    mounts: list[str],
    data_dir: Path,
) -> tuple[subprocess.CompletedProcess[str], str, str]:
    if why := faultfs.mount_problem():
        pytest.skip(why)
    record = tmp_path / "record"
    argv = faultfs.in_namespace(mounts, data_dir, record, queue_argv(data_dir))
    done = run(argv, tmp_path, capture_output=True)
    return (done, *faultfs.snapshots(record))


def test_queue_on_a_full_disk(tmp_path: Path) -> None:
    seed = seeded(tmp_path / "seed", POSTS)
    expected = expected_output(seed, tmp_path)
    mount = tmp_path / "disk"
    done, before, after = _in_namespace(
        tmp_path,
        [faultfs.tmpfs(mount), faultfs.copy_in(seed, mount / "data"), faultfs.fill(mount)],
        mount / "data",
    )
    assert done.returncode == exitcodes.OK, done.stderr
    assert done.stderr == ""
    assert done.stdout == expected
    assert "./bot.db" in before and after == before


def test_queue_on_a_read_only_disk(tmp_path: Path) -> None:
    data_dir = seeded(tmp_path / "data", POSTS)
    expected = expected_output(data_dir, tmp_path)
    done, before, after = _in_namespace(tmp_path, [faultfs.read_only(data_dir)], data_dir)
    assert done.returncode == exitcodes.OK, done.stderr
    assert done.stdout == expected
    assert "./bot.db" in before and after == before


def test_queue_in_a_data_dir_it_may_only_read(tmp_path: Path) -> None:
    """Another user's data dir, 0755 with 0644 files: readable, not writable."""
    prefix = faultfs.without_dac_override()
    if prefix is None:
        pytest.skip("needs root (to give the data dir to another user) and setpriv")
    data_dir = seeded(tmp_path / "data", POSTS)
    for path in (data_dir, *data_dir.rglob("*")):
        os.chown(path, 65534, 65534)
        path.chmod(0o755 if path.is_dir() else 0o644)
    before, listed = snapshot(data_dir), names(data_dir)
    done = run([*prefix, *queue_argv(data_dir)], tmp_path, capture_output=True)
    assert done.returncode == exitcodes.OK, done.stderr
    assert ids(done.stdout) == [1, 2, 3]
    assert names(data_dir) == listed and snapshot(data_dir) == before


def _insert(db: sqlite3.Connection, text: str) -> None:
    stamp = "2026-11-21T13:00:00.000Z"
    db.execute(
        "INSERT INTO posts (status, due_at, text, destination, created_at, updated_at)"
        " VALUES ('pending', ?, ?, '120363000000000001@g.us', ?, ?)",
        ("2026-11-23T01:00:00.000Z", text, stamp, stamp),
    )


def test_queue_while_another_connection_writes(tmp_path: Path) -> None:
    """As while the bot runs: committed posts still only in bot.db-wal are in the backup, a
    write transaction left open does not block it, and what it has not committed is not."""
    data_dir = seeded(tmp_path / "data", POSTS)
    writer = sqlite3.connect(data_dir / "bot.db", isolation_level=None)
    try:
        _insert(writer, "committed, not yet checkpointed")
        assert (data_dir / "bot.db-wal").stat().st_size > 0
        writer.execute("BEGIN IMMEDIATE")
        _insert(writer, "not committed")
        done = queue(data_dir, tmp_path)
        writer.execute("ROLLBACK")
    finally:
        writer.close()
    assert done.returncode == exitcodes.OK, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [(r["id"], r["text"]) for r in rows[POSTS:]] == [
        (POSTS + 1, "committed, not yet checkpointed")
    ]


def test_queue_reads_an_older_version_untouched(tmp_path: Path) -> None:
    """A database of schema version 2 (before repeating posts) is read, not migrated."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    path = data_dir / "bot.db"
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        for version, script in enumerate(MIGRATIONS[:2], start=1):
            db.executescript(script)
            db.execute(f"PRAGMA user_version={version}")
        _insert(db, "dari versi lama")
    finally:
        db.close()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    listed = names(data_dir)
    done = queue(data_dir, tmp_path)
    assert done.returncode == exitcodes.OK, done.stderr
    row = json.loads(done.stdout)
    assert (row["id"], row["status"], row["text"], row["due_at"]) == (
        1,
        "pending",
        "dari versi lama",
        "2026-11-23T08:00:00+07:00",
    )
    assert (row["series_id"], row["rule"], row["repeat"]) == (None, None, None)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    assert names(data_dir) == listed


def test_queue_into_a_full_output_is_one_line_and_exit_1(tmp_path: Path) -> None:
    """`python -m bot queue --json > /dev/full` (a backup file on a full disk)."""
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    data_dir = seeded(tmp_path / "data", POSTS)
    with open("/dev/full", "w", encoding="utf-8") as full:
        done = run(queue_argv(data_dir), tmp_path, stdout=full, stderr=subprocess.PIPE)
    assert done.returncode == exitcodes.ERROR
    assert done.stderr == "jadwal-bot: cannot write the output: No space left on device\n"


def test_queue_refuses_an_emptied_database_and_leaves_it(tmp_path: Path) -> None:
    data_dir = seeded(tmp_path / "data", POSTS)
    (data_dir / "bot.db").write_bytes(b"")
    done = queue(data_dir, tmp_path)
    assert done.returncode == exitcodes.USAGE
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and "is empty (0 bytes)" in lines[0], done.stderr
    assert "(session.db)" in lines[0] and "python -m bot restore" in lines[0]
    assert (data_dir / "bot.db").stat().st_size == 0
    assert names(data_dir) == ["bot.db", "session.db"]


def test_queue_of_a_new_data_dir_with_an_empty_database_prints_nothing(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "bot.db").write_bytes(b"")
    done = queue(data_dir, tmp_path)
    assert done.returncode == exitcodes.OK, done.stderr
    assert (done.stdout, done.stderr) == ("", "")
    assert names(data_dir) == ["bot.db"] and (data_dir / "bot.db").stat().st_size == 0
