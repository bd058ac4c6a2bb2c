"""One process per data dir: an advisory lock on the data directory itself.

The lock is taken on the directory (opened O_RDONLY|O_DIRECTORY): locking data/bot.lock
instead let a second instance start once the file had been deleted. bot.lock only names the
holder, for the message a second start prints. Nothing stops the whole directory from being
deleted under a running bot; a new directory made at the same path is a new lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path


class AlreadyRunning(Exception):
    def __init__(self, path: Path, holder: str) -> None:
        super().__init__(f"another jadwal-bot is already running on {path.parent}: {holder}")
        self.holder = holder


class InstanceLock:
    """Held for the life of the process; the OS releases it even after a SIGKILL.

    `path` is the holder file (data/bot.lock); the lock is on its directory. acquire() raises
    AlreadyRunning, or OSError when the directory or the holder file cannot be written.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> None:
        directory = self.path.parent
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise AlreadyRunning(self.path, self._holder()) from None
        try:
            self.path.write_text(
                json.dumps(
                    {
                        "pid": os.getpid(),
                        "since": datetime.now(UTC).isoformat(timespec="seconds"),
                        "command": " ".join(sys.argv),
                    }
                ),
                encoding="utf-8",
            )
        except BaseException:
            os.close(fd)  # closing the last descriptor releases the lock
            raise
        self._fd = fd

    def _holder(self) -> str:
        try:
            return self.path.read_text(encoding="utf-8").strip() or "unknown process"
        except OSError:
            return f"unknown process ({self.path.name} is missing or unreadable)"

    def release(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> InstanceLock:
        self.acquire()
        return self

    def __exit__(self, *_: object) -> None:
        self.release()
