"""Helpers for benchmarks that run the bot as a separate process: data dirs, /proc readings."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.settings import Settings
from bot.state import BotState
from bot.store import Store
from bot.timefmt import to_utc_text
from bot.transport.console import DEFAULT_SELF, DEMO_GROUPS

ROOT = Path(__file__).resolve().parents[1]
OWNER_CHAT = f"{DEFAULT_SELF}@s.whatsapp.net"
LOG_NAME = Path("logs") / "jadwal-bot.log"


def bot_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This environment without JADWAL_* settings, the repository importable, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("JADWAL_")}
    env["PYTHONPATH"] = str(ROOT)
    env.pop("PYTHONSTARTUP", None)
    env.update(extra or {})
    return env


def bot_command(
    command: str, data_dir: Path, *, offline: bool = False, loopback: bool = False
) -> list[str]:
    """`python -m bot <command> --data-dir D`, under `unshare -n` (no network) if `offline`;
    with `loopback`, its loopback interface up (`ip`), so that it can listen on 127.0.0.1.

    unshare and the shell exec the program, so the started process's pid is Python's own.
    """
    argv = [sys.executable, "-m", "bot", command, "--data-dir", str(data_dir)]
    if not offline:
        return argv
    if loopback:
        return ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$@"', "sh", *argv]
    return ["unshare", "-n", *argv]


@contextlib.contextmanager
def bot_process(
    command: str,
    data: Path,
    *,
    offline: bool,
    loopback: bool = False,
    env: Mapping[str, str] | None = None,
    stdin: int = subprocess.DEVNULL,
) -> Iterator[subprocess.Popen[bytes]]:
    """`python -m bot <command>` on `data` (bot_command), its output discarded, stopped at
    the end (stopped_at_exit), and its stdin closed if it was a pipe."""
    proc = subprocess.Popen(
        bot_command(command, data, offline=offline, loopback=loopback),
        stdin=stdin,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=data.parent,
        env=bot_env(env),
    )
    try:
        with stopped_at_exit(proc):
            yield proc
    finally:
        if proc.stdin is not None:
            proc.stdin.close()


_can_unshare: bool | None = None


def can_unshare() -> bool:
    """Whether `unshare -n` works here (root, or unprivileged user namespaces)."""
    global _can_unshare
    if _can_unshare is None:
        _can_unshare = (
            shutil.which("unshare") is not None
            and subprocess.run(
                ["unshare", "-n", "true"], capture_output=True, check=False
            ).returncode
            == 0
        )
    return _can_unshare


# --- /proc ------------------------------------------------------------------------------


def rss_kb(pid: int | str = "self") -> int:
    match = re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{pid}/status").read_text())
    return int(match[1]) if match else 0


def status_kb(pid: int | str, field: str) -> int:
    match = re.search(rf"{field}:\s+(\d+)", Path(f"/proc/{pid}/status").read_text())
    return int(match[1]) if match else 0


def fd_count(pid: int | str = "self") -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def thread_count(pid: int | str = "self") -> int:
    return len(os.listdir(f"/proc/{pid}/task"))


def cpu_seconds(pid: int | str = "self") -> float:
    """utime + stime of the process (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- data dirs --------------------------------------------------------------------------


async def _schema(data_dir: Path) -> None:
    store = await Store.open(data_dir / "bot.db")
    try:
        state = await BotState.load(store, Settings().timezone)
        await state.set_destinations([DEMO_GROUPS[0]])
    finally:
        await store.close()


def prepare_data_dir(
    data_dir: Path,
    pending: int = 0,
    *,
    first_due: datetime | None = None,
    step: timedelta = timedelta(minutes=1),
    text: str = "Post antrian {n}",
) -> list[int]:
    """A data dir with the schema, the destination set and `pending` posts, the first due at
    `first_due` (default: in two days) and then one every `step`. Returns the posts' ids.

    The posts are written in one transaction (as Store.add_post writes them: a pending row, its
    one delivery and its 'created' event), which takes ~0.1 s for 10,000 instead of ~2 s one
    by one.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    # In a thread of its own: callers may be inside a running event loop.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, _schema(data_dir)).result()
    first = first_due or datetime.now(UTC) + timedelta(days=2)
    stamp = to_utc_text(datetime.now(UTC))
    group = DEMO_GROUPS[0]
    with contextlib.closing(sqlite3.connect(data_dir / "bot.db")) as db, db:
        start = db.execute("SELECT COALESCE(MAX(id), 0) FROM posts").fetchone()[0] + 1
        ids = list(range(start, start + pending))
        db.executemany(
            "INSERT INTO posts (id, status, due_at, text, destination, destination_name,"
            " created_at, updated_at) VALUES (?, 'pending', ?, ?, '', '', ?, ?)",
            (
                (post_id, to_utc_text(first + step * n), text.format(n=n), stamp, stamp)
                for n, post_id in enumerate(ids)
            ),
        )
        db.executemany(
            "INSERT INTO deliveries (post_id, position, destination, destination_name, status,"
            " updated_at) VALUES (?, 0, ?, ?, 'pending', ?)",
            ((post_id, group.jid, group.name, stamp) for post_id in ids),
        )
        db.executemany(
            "INSERT INTO post_events (post_id, at, from_status, to_status, reason)"
            " VALUES (?, ?, NULL, 'pending', 'created')",
            ((post_id, stamp) for post_id in ids),
        )
    return ids


# --- outbox and log ---------------------------------------------------------------------


class Tail:
    """New complete lines of a growing file, read incrementally."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._offset = 0
        self._partial = b""

    def lines(self) -> list[str]:
        try:
            with self.path.open("rb") as handle:
                handle.seek(self._offset)
                chunk = handle.read()
        except FileNotFoundError:
            return []
        self._offset += len(chunk)
        *complete, self._partial = (self._partial + chunk).split(b"\n")
        return [line.decode("utf-8", "replace") for line in complete]


def owner_replies(lines: list[str]) -> int:
    """How many outbox lines are replies to the owner (no post id)."""
    count = 0
    for line in lines:
        record = json.loads(line)
        if record["post_id"] is None and record["chat"] == OWNER_CHAT:
            count += 1
    return count


def wait_for(predicate: Callable[[], bool], timeout: float, poll: float = 0.005) -> float | None:
    """Poll `predicate()` until true; the perf_counter moment it was seen, or None."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if predicate():
            return time.perf_counter()
        time.sleep(poll)
    return None


@contextlib.contextmanager
def stopped_at_exit(
    proc: subprocess.Popen[bytes], timeout: float = 30.0
) -> Iterator[subprocess.Popen[bytes]]:
    """Make sure the process is gone when the block ends: SIGTERM, then SIGKILL."""
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
