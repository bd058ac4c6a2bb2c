"""The data dir as the real processes leave it: owner-only when the bot creates it, a shared
one left as it is (with one warning), one process per data dir even when bot.lock is
deleted under a running bot, an empty bot.db accepted only in a new data dir, and a link to
an unmounted disk named as such."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot import datadir, exitcodes
from bot import store as store_module
from bot.dbfaults import DatabaseProblem
from bot.store import Store
from tests.test_env_faults import bot_env, seeded

READY_WITHIN_S = 20.0
SHARED_WARNING = "is shared (mode"


def bot(
    command: str,
    data_dir: Path,
    cwd: Path,
    stdin: str = "",
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", command, "--data-dir", str(data_dir)],
        cwd=cwd,
        env=bot_env(),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def modes(data_dir: Path) -> dict[str, str]:
    """Every path under `data_dir` (and itself) -> its permission bits, e.g. '0o600'."""
    found = {".": oct(stat.S_IMODE(data_dir.stat().st_mode))}
    for path in sorted(data_dir.rglob("*")):
        found[str(path.relative_to(data_dir))] = oct(stat.S_IMODE(path.stat().st_mode))
    return found


def private(found: dict[str, str], data_dir: Path) -> bool:
    return all(
        mode == ("0o700" if (data_dir / name).is_dir() else "0o600") for name, mode in found.items()
    )


@pytest.mark.parametrize(
    ("command", "stdin", "code"),
    [
        ("console", "/status\n", exitcodes.OK),
        ("doctor", "", exitcodes.ERROR),  # no session yet: it stops before any connection
    ],
)
def test_a_new_data_dir_is_private_in_every_mode(
    tmp_path: Path, command: str, stdin: str, code: int
) -> None:
    data_dir = tmp_path / "data"
    done = bot(command, data_dir, tmp_path, stdin)
    assert done.returncode == code, done.stderr
    found = modes(data_dir)
    assert "bot.lock" in found and "logs/jadwal-bot.log" in found
    if command == "console":
        assert {"bot.db", "outbox.jsonl"} <= found.keys()
    assert private(found, data_dir), found


def test_queue_keeps_the_database_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    done = bot("console", data_dir, tmp_path, "/status\n")
    assert done.returncode == exitcodes.OK, done.stderr
    done = bot("queue", data_dir, tmp_path)
    assert done.returncode == exitcodes.OK, done.stderr
    assert private(modes(data_dir), data_dir), modes(data_dir)


def test_an_own_data_dir_is_tightened(tmp_path: Path) -> None:
    data_dir = seeded(tmp_path / "data")
    data_dir.chmod(0o755)
    (data_dir / "bot.db").chmod(0o644)
    (data_dir / "session.db").chmod(0o644)
    done = bot("console", data_dir, tmp_path)
    assert done.returncode == exitcodes.OK, done.stderr
    assert SHARED_WARNING not in done.stderr
    found = modes(data_dir)
    assert (found["."], found["bot.db"], found["session.db"]) == ("0o700", "0o600", "0o600")


def _sticky(path: Path) -> None:
    path.chmod(0o1777)


def _foreign(path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("only root can give a directory to another user")
    os.chown(path, 65534, 65534)
    path.chmod(0o755)


@pytest.mark.parametrize("share", [_sticky, _foreign], ids=["sticky, world-writable", "foreign"])
def test_a_shared_data_dir_is_left_as_it_is_with_one_warning(
    tmp_path: Path,
    share: object,
) -> None:
    data_dir = tmp_path / "shared"
    data_dir.mkdir()
    (data_dir / "session.db").write_bytes(b"keys")
    (data_dir / "session.db").chmod(0o644)
    assert callable(share)
    share(data_dir)
    before = data_dir.stat().st_mode
    done = bot("console", data_dir, tmp_path, "/status\n")
    assert done.returncode == exitcodes.OK, done.stderr
    assert data_dir.stat().st_mode == before
    assert stat.S_IMODE((data_dir / "session.db").stat().st_mode) == 0o644
    assert done.stderr.count(SHARED_WARNING) == 1, done.stderr
    log = (data_dir / "logs" / "jadwal-bot.log").read_text(encoding="utf-8")
    assert log.count(SHARED_WARNING) == 1
    # What the bot creates there is still its own.
    assert stat.S_IMODE((data_dir / "bot.db").stat().st_mode) == 0o600


def test_deleting_bot_lock_does_not_let_a_second_instance_start(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    log = data_dir / "logs" / "jadwal-bot.log"
    first = subprocess.Popen(
        [sys.executable, "-m", "bot", "console", "--data-dir", str(data_dir)],
        cwd=tmp_path,
        env=bot_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + READY_WITHIN_S
        while not (log.is_file() and " ready: data " in log.read_text(encoding="utf-8")):
            assert first.poll() is None and time.monotonic() < deadline, "console not ready"
            time.sleep(0.05)
        (data_dir / "bot.lock").unlink()
        second = bot("console", data_dir, tmp_path)
    finally:
        assert first.stdin is not None
        first.stdin.close()  # end of input: the console bot stops
        first_code = first.wait(timeout=30)
        assert first.stderr is not None
        first.stderr.close()
    assert second.returncode == exitcodes.ALREADY_RUNNING, second.stderr
    assert "another jadwal-bot is already running" in second.stderr
    assert "bot.lock is missing" in second.stderr
    assert first_code == exitcodes.OK


def test_a_new_data_dir_with_an_empty_bot_db_starts(tmp_path: Path) -> None:
    """A 0-byte bot.db is refused only where the data dir shows it held a queue before."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "bot.db").write_bytes(b"")
    done = bot("console", data_dir, tmp_path, "/status\n")
    assert done.returncode == exitcodes.OK, done.stderr
    assert (data_dir / "bot.db").stat().st_size > 0
    assert "Koneksi: terhubung" in done.stdout


async def test_a_first_open_that_fails_leaves_no_bot_db(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Otherwise the 0-byte file it made, next to the logs of that start, would look like a
    lost queue to every later start."""
    path = tmp_path / "data" / "bot.db"
    monkeypatch.setattr(store_module, "MIGRATIONS", ("CREATE TABLE posts (broken",))
    with pytest.raises(DatabaseProblem):
        await Store.open(path)
    assert list(path.parent.iterdir()) == []
    monkeypatch.undo()
    store = await Store.open(path)
    await store.close()
    assert path.stat().st_size > 0


def test_a_link_above_the_data_dir_to_nothing_is_named(tmp_path: Path) -> None:
    mount = tmp_path / "usb"
    mount.symlink_to("/nonexistent-disk/jadwal")
    with pytest.raises(datadir.EnvironmentProblem) as refused:
        datadir.prepare(mount / "bot" / "data")
    assert str(refused.value) == (
        f"cannot use {mount / 'bot' / 'data'}: {mount} points to /nonexistent-disk/jadwal, "
        "which does not exist (not mounted?): mount it or create it, or point "
        "JADWAL_DATA_DIR elsewhere"
    )
