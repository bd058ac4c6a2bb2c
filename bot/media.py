"""Media of posts (photos, videos, documents, audio), stored once under data/media/ and named
by content hash."""

from __future__ import annotations

import asyncio
import hashlib
import os
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

_EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/gif": "gif",
    "video/mp4": "mp4",
    "video/3gpp": "3gp",
    "audio/aac": "aac",
    "audio/amr": "amr",
    "audio/mpeg": "mp3",
    "audio/mp4": "m4a",
    "audio/ogg; codecs=opus": "ogg",
    "application/pdf": "pdf",
}
PARTIAL = ".part"  # suffix of a file being written; renamed to its name once complete


def sniff_mime(data: bytes) -> str | None:
    """The image type from its first bytes; None when it is not an image we post."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    return None


class MediaUsers(Protocol):
    async def media_in_use(self, since: datetime) -> set[str]: ...


class MediaStore:
    """Files are shared by content: the photo of a post sent long ago may be scheduled again.
    A save and the clean-up therefore take turns per file (one lock), and a name saved by
    this process is kept for _FRESH_S of monotonic time whatever the database said before:
    the post that uses it may not be committed yet, and no wall-clock step shortens that."""

    def __init__(self, directory: Path, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.directory = directory
        self._monotonic = monotonic
        self._lock = threading.Lock()  # save() on the loop, prune() on a worker thread
        self._saved: dict[str, float] = {}  # name -> monotonic time of its last save

    def save(self, data: bytes, mime: str) -> str:
        """Write `data` (atomically, once per content) and return its name inside the store.

        A write that fails (OSError: the disk is full, say) leaves no partial file behind."""
        name = f"{hashlib.sha256(data).hexdigest()}.{_EXTENSIONS.get(mime, 'bin')}"
        target = self.directory / name
        with self._lock:
            self._saved[name] = self._monotonic()
            if target.exists():
                return name
        self.directory.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(target.suffix + PARTIAL)
        try:
            with partial.open("wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            partial.replace(target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return name

    def path(self, name: str) -> Path:
        return self.directory / name

    def remove_unless_needed(self, path: Path, keep: set[str]) -> bool:
        """Remove `path` unless a post may need it: named in `keep`, saved by this process
        within _FRESH_S, or written within _FRESH_S (by another run). A partial file (a save
        cut short by a crash) is removed once it is _FRESH_S old. True if removed."""
        with self._lock:
            saved = self._saved.get(path.name)
            if saved is not None and self._monotonic() - saved < _FRESH_S:
                return False
            self._saved.pop(path.name, None)
            if path.name in keep:
                return False
            try:
                if time.time() - path.stat().st_mtime < _FRESH_S:
                    return False
            except FileNotFoundError:
                return False
            path.unlink(missing_ok=True)
            return True


# A file younger than this is never removed: its post may be being created right now (a
# partial file: it may be being written).
_FRESH_S = 3600


async def prune_media(
    store: MediaUsers, media: MediaStore, retention: timedelta, now: datetime
) -> int:
    """Remove media no post needs any more: not used by a post that may still be sent, and
    last touched by a post longer than `retention` ago. Returns how many files went.

    What is in use is read first and may be stale by the time a file is looked at; a post
    scheduled in between saved its file after that read, which remove_unless_needed sees."""
    keep = await store.media_in_use(now - retention)

    def remove() -> int:
        if not media.directory.is_dir():
            return 0
        return sum(media.remove_unless_needed(path, keep) for path in media.directory.iterdir())

    return await asyncio.to_thread(remove)
