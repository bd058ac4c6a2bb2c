"""The machine at fault, through the real command line: each start that cannot work ends at
once with one readable line on stderr and exit 2 (PM2 and systemd do not restart it), and
touches no data. Disks that are full or read-only are real (tests/faultfs.py)."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest

from bot import exitcodes
from bot.migrations import MIGRATIONS
from bot.models import PostContent
from bot.store import Store
from tests import faultfs
from tests.conftest import SATURDAY_EVENING
from tests.netns import ROOT

GROUP = "120363000000000001@g.us"
EXIT_WITHIN_S = 10.0  # a refused start takes well under a second; a hang is the 9 s watchdog
DATA_FILES = ("bot.db", "session.db", "outbox.jsonl")


def bot_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JADWAL_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["NEONIZE_BOT_TAG"] = "off"  # no one-time re-exec for `run`
    return env | (extra or {})


async def fill_db(path: Path, posts: int = 1) -> None:
    store = await Store.open(path)
    try:
        for i in range(posts):
            await store.add_post(
                SATURDAY_EVENING + timedelta(hours=i + 1),
                PostContent(f"Pengumuman nomor {i} " * 10),
                [(GROUP, "Grup Demo A")],
                now=SATURDAY_EVENING,
            )
    finally:
        await store.close()


def seeded(data_dir: Path, posts: int = 1) -> Path:
    asyncio.run(fill_db(data_dir / "bot.db", posts))
    (data_dir / "session.db").write_bytes(b"session keys")
    return data_dir


def snapshot(data_dir: Path) -> dict[str, bytes]:
    """The data (not the lock or the logs) under `data_dir`."""
    if not data_dir.is_dir():
        return {}
    return {
        str(p.relative_to(data_dir)): p.read_bytes()
        for p in sorted(data_dir.rglob("*"))
        if p.is_file() and p.name != "bot.lock" and "logs" not in p.parts
    }


# --- the table ---------------------------------------------------------------------------


@dataclass
class Setup:
    """What a case arranged: the data dir to use, and how to run the bot there."""

    data_dir: Path
    args: list[str] = field(default_factory=list)  # extra command-line arguments
    env: dict[str, str] = field(default_factory=dict)
    mounts: list[str] = field(default_factory=list)  # shell lines run in a mount namespace
    prefix: list[str] = field(default_factory=list)
    fresh: bool = True  # no data dir before: none may be left with a database in it
    pass_data_dir: bool = True  # as --data-dir (else the settings name it)


@dataclass(frozen=True)
class Case:
    name: str
    arrange: Callable[[Path, Path], Setup]  # (tmp_path, working dir) -> Setup
    says: str  # in the one line on stderr
    commands: tuple[str, ...] = ("console",)


def env_file(content: bytes) -> Callable[[Path, Path], Setup]:
    def arrange(tmp: Path, work: Path) -> Setup:
        (work / ".env").write_bytes(content)
        return Setup(tmp / "data")

    return arrange


def env_dir(tmp: Path, work: Path) -> Setup:
    (work / ".env").mkdir()
    return Setup(tmp / "data")


def unreadable_env(tmp: Path, work: Path) -> Setup:
    prefix = faultfs.without_dac_override()
    if os.geteuid() == 0 and prefix is None:
        pytest.skip("root reads any file, and setpriv (to drop that) is not installed")
    path = work / ".env"
    path.write_text("JADWAL_TIMEZONE=Asia/Makassar\n", encoding="utf-8")
    path.chmod(0)
    return Setup(tmp / "data", prefix=prefix or [])


def nul_in_data_dir(tmp: Path, work: Path) -> Setup:
    # argv and the environment cannot carry a NUL; a settings file can.
    (work / ".env").write_bytes(b"JADWAL_DATA_DIR=" + str(tmp / "da").encode() + b"\x00ta\n")
    return Setup(tmp / "da", pass_data_dir=False)


def missing_env_file(tmp: Path, work: Path) -> Setup:
    return Setup(tmp / "data", args=["--env-file", str(work / "prod.env")])


def setting(**env: str) -> Callable[[Path, Path], Setup]:
    return lambda tmp, work: Setup(tmp / "data", env=env)


def under_a_file(tmp: Path, work: Path) -> Setup:
    (tmp / "blocker").write_text("not a directory")
    return Setup(tmp / "blocker" / "data")


def dangling_link(tmp: Path, work: Path) -> Setup:
    """The data dir is a symbolic link to a disk that is not mounted."""
    (tmp / "data").symlink_to(tmp / "missing" / "x")
    return Setup(tmp / "data")


def full_disk_fresh(tmp: Path, work: Path) -> Setup:
    mount = tmp / "disk"
    return Setup(mount / "data", mounts=[faultfs.tmpfs(mount), faultfs.fill(mount)])


def full_disk_restart(tmp: Path, work: Path) -> Setup:
    seed = seeded(tmp / "seed", posts=3)
    mount = tmp / "disk"
    return Setup(
        mount / "data",
        fresh=False,
        mounts=[faultfs.tmpfs(mount), faultfs.copy_in(seed, mount / "data"), faultfs.fill(mount)],
    )


def read_only_data_dir(tmp: Path, work: Path) -> Setup:
    data = seeded(tmp / "data", posts=3)
    return Setup(data, fresh=False, mounts=[faultfs.read_only(data)])


def read_only_parent(tmp: Path, work: Path) -> Setup:
    (tmp / "ro").mkdir()
    return Setup(tmp / "ro" / "data", mounts=[faultfs.read_only(tmp / "ro")])


def damaged_db(damage: Callable[[Path], None]) -> Callable[[Path, Path], Setup]:
    def arrange(tmp: Path, work: Path) -> Setup:
        data = seeded(tmp / "data", posts=300)
        damage(data / "bot.db")
        return Setup(data, fresh=False)

    return arrange


def garbage(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 16)


def truncated(path: Path) -> None:
    with path.open("r+b") as db:
        db.truncate(path.stat().st_size // 2)


def emptied(path: Path) -> None:
    path.write_bytes(b"")


def newer(path: Path) -> None:
    db = sqlite3.connect(path)
    try:
        db.execute(f"PRAGMA user_version={len(MIGRATIONS) + 1}")
        db.commit()
    finally:
        db.close()


CASES = [
    Case(
        ".env saved as UTF-16",
        env_file("JADWAL_TIMEZONE=Asia/Makassar\n".encode("utf-16")),
        "is saved as UTF-16",
    ),
    Case(
        ".env with a Latin-1 byte",
        env_file(b"# Jadwal caf\xe9\nJADWAL_TIMEZONE=UTC\n"),
        "line 1: byte 0xe9 is not UTF-8",
    ),
    Case(".env is a directory", env_dir, "is a directory"),
    Case(".env unreadable (chmod 000)", unreadable_env, "cannot be read by this user"),
    Case("NUL in the data dir path", nul_in_data_dir, "contains a NUL character"),
    Case("--env-file that does not exist", missing_env_file, "prod.env does not exist"),
    Case(
        "1.5 for a whole number",
        setting(JADWAL_MAX_FAILED_CONNECTS="1.5"),
        "JADWAL_MAX_FAILED_CONNECTS='1.5': a whole number",
    ),
    Case(
        "pacing min above max",
        setting(JADWAL_PACING_MIN_S="10", JADWAL_PACING_MAX_S="5"),
        "JADWAL_PACING_MIN_S (10) is more than JADWAL_PACING_MAX_S (5)",
    ),
    Case("data dir under a file", under_a_file, "is a file, not a directory"),
    Case(
        "data dir links to nothing",
        dangling_link,
        "/missing/x, which does not exist (not mounted?)",
        ("console", "queue", "run"),
    ),
    Case("disk full, fresh data dir", full_disk_fresh, "the disk is full"),
    Case("disk full, restart", full_disk_restart, "the disk is full", ("console", "run")),
    Case(
        "read-only data dir", read_only_data_dir, "the file system is read-only", ("console", "run")
    ),
    Case("read-only parent, fresh data dir", read_only_parent, "the file system is read-only"),
    Case(
        "bot.db is not a database",
        damaged_db(garbage),
        "python -m bot restore",
        ("console", "queue", "run"),
    ),
    Case("bot.db truncated", damaged_db(truncated), "python -m bot restore", ("console", "queue")),
    Case(
        "bot.db emptied (0 bytes) in a used data dir",
        damaged_db(emptied),
        "is empty (0 bytes)",
        ("console", "queue", "run"),
    ),
    Case(
        "bot.db from a newer version",
        damaged_db(newer),
        "written by a newer jadwal-bot",
        ("console", "queue"),
    ),
]


def mount_cases_problem(case: Case, command: str) -> str | None:
    needs_mounts = (
        case.arrange in (full_disk_fresh, full_disk_restart, read_only_data_dir, read_only_parent)
        or command == "run"
    )
    return faultfs.mount_problem() if needs_mounts else None


@pytest.mark.parametrize(
    ("case", "command"),
    [(c, command) for c in CASES for command in c.commands],
    ids=[f"{c.name} [{command}]" for c in CASES for command in c.commands],
)
def test_an_environment_fault_is_one_line_and_exit_2(
    tmp_path: Path, case: Case, command: str
) -> None:
    if why := mount_cases_problem(case, command):
        pytest.skip(why)
    work = tmp_path / "work"
    work.mkdir()
    setup = case.arrange(tmp_path, work)
    argv = [*setup.prefix, sys.executable, "-m", "bot", command, *setup.args]
    if setup.pass_data_dir:
        argv += ["--data-dir", str(setup.data_dir)]
    record = tmp_path / "record"
    if setup.mounts or command == "run":
        # `run` talks to WhatsApp when it gets that far: give it no network at all.
        argv = faultfs.in_namespace(
            setup.mounts, setup.data_dir, record, argv, *(["-n"] if command == "run" else [])
        )
    before = snapshot(setup.data_dir)
    began = time.monotonic()
    done = subprocess.run(
        argv,
        cwd=work,
        env=bot_env(setup.env),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    took = time.monotonic() - began
    lines = done.stderr.strip().splitlines()
    assert done.returncode == exitcodes.USAGE, done.stderr + done.stdout
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("jadwal-bot: ") and case.says in lines[0], lines[0]
    assert took < EXIT_WITHIN_S
    if command != "run":
        assert done.stdout == ""
    if setup.mounts or command == "run":
        data_before, data_after = faultfs.snapshots(record)
        assert data_after == data_before
        if not setup.fresh:
            assert "./bot.db" in data_before
    else:
        assert snapshot(setup.data_dir) == before
    if setup.fresh:
        assert not (setup.data_dir / "bot.db").exists()
