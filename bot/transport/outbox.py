"""The console's record of what it delivered: data/outbox.jsonl, one JSON object per line.

Each record is appended with unbuffered writes on an O_APPEND descriptor, and that write is
the delivery itself: bytes the OS refused (disk full) are never written later, as a buffered
file would write them with the next record (a second copy of the post). A short write is
continued; a record that cannot be finished is cut off again, so the file stays one whole
record per line, and the error goes up to the sender (the send is uncertain).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

Write = Callable[[int, bytes], int]  # os.write's shape


class Outbox:
    def __init__(self, path: Path, write: Write = os.write) -> None:
        self.path = path
        self._write = write  # os.write; a test's may refuse (disk full) or write short
        self._fd: int | None = None

    @property
    def is_open(self) -> bool:
        return self._fd is not None

    def open(self) -> None:
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def append(self, record: dict[str, Any]) -> None:
        """Write `record` as one line; OSError if it could not be written whole."""
        assert self._fd is not None, "Outbox.open() first"
        fd = self._fd
        data = (json.dumps(record, ensure_ascii=False) + "\n").encode()
        start = os.lseek(fd, 0, os.SEEK_END)  # one writer: where this record begins
        done = 0
        try:
            while done < len(data):
                done += self._write(fd, data[done:])
        except OSError:
            if done:
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, start)
            raise
