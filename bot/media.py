"""Media of image posts, stored once under data/media/ and named by content hash."""

from __future__ import annotations

import asyncio
import hashlib
import os
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.store import Store

_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif"}


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


class MediaStore:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def save(self, data: bytes, mime: str) -> str:
        """Write `data` (atomically, once per content) and return its name inside the store."""
        name = f"{hashlib.sha256(data).hexdigest()}.{_EXTENSIONS.get(mime, 'bin')}"
        target = self.directory / name
        if not target.exists():
            self.directory.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(target.suffix + ".part")
            with partial.open("wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            partial.replace(target)
        return name

    def path(self, name: str) -> Path:
        return self.directory / name


# A file younger than this is never removed: its post may be being created right now.
_FRESH_S = 3600


async def prune_media(store: Store, directory: Path, retention: timedelta,
                      now: datetime) -> int:
    """Remove media no post needs any more: not used by a post that may still be sent, and
    last touched by a post longer than `retention` ago. Returns how many files went."""
    keep = await store.media_in_use(now - retention)

    def remove() -> int:
        if not directory.is_dir():
            return 0
        removed = 0
        for path in directory.iterdir():
            if path.name in keep or path.suffix == ".part" or \
                    time.time() - path.stat().st_mtime < _FRESH_S:
                continue
            path.unlink(missing_ok=True)
            removed += 1
        return removed

    return await asyncio.to_thread(remove)
