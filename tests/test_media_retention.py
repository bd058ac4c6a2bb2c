"""Media of posts sent longer ago than the retention are removed; everything a post may still
need, recent history, and files just being written are kept."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.media import MediaStore, prune_media
from bot.models import PostContent, PostStatus
from bot.settings import Settings
from bot.store import Store
from tests.conftest import BotFactory
from tests.fakes import GROUPS

DEMO_A = GROUPS[0]
NOW = datetime.now(UTC).replace(microsecond=0)
RETENTION = timedelta(days=30)
TWO_DAYS_S = 2 * 86400


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(tmp_path / "bot.db")
    yield opened
    await opened.close()


def image(media: MediaStore, label: str, age_s: float = TWO_DAYS_S) -> str:
    """A distinct image saved by an earlier run of the bot (not `media` itself, which would
    remember saving it), its file backdated by `age_s` seconds."""
    name = MediaStore(media.directory).save(b"\xff\xd8\xff" + label.encode(), "image/jpeg")
    stamp = time.time() - age_s
    os.utime(media.path(name), (stamp, stamp))
    return name


def partial(media: MediaStore, name: str, age_s: float) -> str:
    """A partial file (a save not finished), last written `age_s` seconds ago."""
    media.directory.mkdir(parents=True, exist_ok=True)
    media.path(name).write_bytes(b"half")
    stamp = time.time() - age_s
    os.utime(media.path(name), (stamp, stamp))
    return name


async def post_with(store: Store, name: str, status: PostStatus, at: datetime) -> int:
    """A post using `name`, brought to `status` with every change stamped `at`."""
    post = await store.add_post(
        at,
        PostContent("foto", media_path=name, media_mime="image/jpeg"),
        [(DEMO_A.jid, DEMO_A.name)],
        now=at,
    )
    path = {
        PostStatus.PENDING: [],
        PostStatus.SENDING: [PostStatus.SENDING],
        PostStatus.SENT: [PostStatus.SENDING, PostStatus.SENT],
        PostStatus.FAILED: [PostStatus.SENDING, PostStatus.FAILED],
        PostStatus.UNCERTAIN: [PostStatus.SENDING, PostStatus.UNCERTAIN],
        PostStatus.MISSED: [PostStatus.MISSED],
        PostStatus.CANCELLED: [PostStatus.CANCELLED],
    }[status]
    current = PostStatus.PENDING
    for step in path:
        assert await store.move(
            post.id, step, expect=current, now=at, sent_at=at if step is PostStatus.SENT else None
        )
        current = step
    return post.id


async def test_prune_removes_only_media_of_posts_sent_long_ago(tmp_path: Path, store: Store):
    media = MediaStore(tmp_path / "media")
    long_ago = NOW - timedelta(days=40)
    recently = NOW - timedelta(days=5)
    keep: dict[str, str] = {}
    remove: dict[str, str] = {}

    remove["sent 40 days ago"] = image(media, "old sent")
    await post_with(store, remove["sent 40 days ago"], PostStatus.SENT, long_ago)
    remove["cancelled 40 days ago"] = image(media, "old cancelled")
    await post_with(store, remove["cancelled 40 days ago"], PostStatus.CANCELLED, long_ago)
    remove["unreferenced, 2 days old"] = image(media, "orphan")

    keep["sent 5 days ago"] = image(media, "recent sent")
    await post_with(store, keep["sent 5 days ago"], PostStatus.SENT, recently)
    for status in (
        PostStatus.PENDING,
        PostStatus.SENDING,
        PostStatus.FAILED,
        PostStatus.MISSED,
        PostStatus.UNCERTAIN,
    ):
        keep[f"{status} since 40 days"] = image(media, f"old {status}")
        await post_with(store, keep[f"{status} since 40 days"], status, long_ago)
    # one file, two posts: the old sent one may go, the pending one still needs it
    keep["shared with a pending post"] = image(media, "shared")
    await post_with(store, keep["shared with a pending post"], PostStatus.SENT, long_ago)
    await post_with(store, keep["shared with a pending post"], PostStatus.PENDING, long_ago)
    # a file just written, its post not created yet
    keep["unreferenced, 10 min old"] = image(media, "brand new", age_s=600)
    # partial files: one being written now, one left by a save cut short two days ago
    keep["partial, 10 min old"] = partial(media, "upload.jpg.part", age_s=600)
    remove["partial, 2 days old"] = partial(media, "stale.jpg.part", age_s=TWO_DAYS_S)

    removed = await prune_media(store, media, RETENTION, NOW)

    assert removed == len(remove)
    for why, name in remove.items():
        assert not media.path(name).exists(), why
    for why, name in keep.items():
        assert media.path(name).exists(), why
    # the posts themselves are untouched: only their files went
    assert len(await store.all_posts()) == 10


async def test_prune_with_nothing_to_do(tmp_path: Path, store: Store):
    assert await prune_media(store, MediaStore(tmp_path / "no-media-yet"), RETENTION, NOW) == 0
    media = MediaStore(tmp_path / "media")
    name = image(media, "pending")
    await post_with(store, name, PostStatus.PENDING, NOW - timedelta(days=400))
    assert await prune_media(store, media, RETENTION, NOW) == 0
    assert media.path(name).exists()


async def test_retention_setting_is_honoured(tmp_path: Path, store: Store):
    media = MediaStore(tmp_path / "media")
    name = image(media, "sent 5 days ago")
    await post_with(store, name, PostStatus.SENT, NOW - timedelta(days=5))
    assert await prune_media(store, media, timedelta(days=7), NOW) == 0
    assert await prune_media(store, media, timedelta(days=3), NOW) == 1
    assert not media.path(name).exists()


async def test_the_running_bot_prunes_at_start(start_bot: BotFactory, settings: Settings):
    settings = replace(settings, media_retention_days=30)
    media = MediaStore(settings.media_dir)
    store = await Store.open(settings.db_path)
    old = image(media, "old")
    await post_with(store, old, PostStatus.SENT, NOW - timedelta(days=31))
    fresh = image(media, "fresh")
    await post_with(store, fresh, PostStatus.SENT, NOW - timedelta(days=29))
    await store.close()

    await start_bot(settings_=settings)
    deadline = asyncio.get_running_loop().time() + 3
    while media.path(old).exists():
        assert asyncio.get_running_loop().time() < deadline, "old media never pruned"
        await asyncio.sleep(0.02)
    assert media.path(fresh).exists()


# --- a photo scheduled again while the clean-up runs -----------------------------------------

PHOTO = b"\xff\xd8\xff" + b"promo bulan lalu"


class ScheduledDuringCleanUp:
    """The store as the clean-up reads it, with /jadwal for the same photo running at the
    worst moment: after what is in use was read, before any file is looked at."""

    def __init__(self, store: Store, media: MediaStore) -> None:
        self.store = store
        self.media = media
        self.post_id: int | None = None

    async def media_in_use(self, since: datetime) -> set[str]:
        keep = await self.store.media_in_use(since)
        name = self.media.save(PHOTO, "image/jpeg")  # what handlers/schedule.py does
        self.post_id = await post_with(self.store, name, PostStatus.PENDING, NOW)
        return keep


async def old_photo(tmp_path: Path, store: Store) -> tuple[MediaStore, str]:
    """The photo of a post sent 40 days ago, saved by an earlier run: due for removal."""
    media = MediaStore(tmp_path / "media")
    name = image(media, "unused")  # a second old file that may go
    name = MediaStore(media.directory).save(PHOTO, "image/jpeg")
    stamp = time.time() - 40 * 86400
    os.utime(media.path(name), (stamp, stamp))
    await post_with(store, name, PostStatus.SENT, NOW - timedelta(days=40))
    return media, name


async def test_photo_scheduled_between_reading_and_deleting_is_kept(tmp_path: Path, store: Store):
    media, name = await old_photo(tmp_path, store)
    racing = ScheduledDuringCleanUp(store, media)
    removed = await prune_media(racing, media, RETENTION, NOW)
    assert racing.post_id is not None
    assert media.path(name).read_bytes() == PHOTO  # the new post's photo is still there
    assert removed == 1  # only the other, unused old file went
    # and the next clean-up keeps it for the pending post, without the memory of the save
    assert await prune_media(store, MediaStore(media.directory), RETENTION, NOW) == 0
    assert media.path(name).exists()


async def test_photo_saved_before_a_clean_up_and_posted_after_it_is_kept(
    tmp_path: Path, store: Store
):
    # /jadwal saved the photo (an old file: same content, so nothing written, and its age
    # says 40 days), then the whole clean-up ran, then the post was committed.
    media, name = await old_photo(tmp_path, store)
    assert media.save(PHOTO, "image/jpeg") == name
    assert await prune_media(store, media, RETENTION, NOW) == 1
    await post_with(store, name, PostStatus.PENDING, NOW)
    assert media.path(name).read_bytes() == PHOTO


async def test_photo_removed_just_before_it_is_saved_is_written_again(tmp_path: Path, store: Store):
    media, name = await old_photo(tmp_path, store)
    assert await prune_media(store, media, RETENTION, NOW) == 2
    assert not media.path(name).exists()
    assert media.save(PHOTO, "image/jpeg") == name
    assert media.path(name).read_bytes() == PHOTO


async def test_memory_of_a_save_lasts_an_hour_of_monotonic_time(tmp_path: Path, store: Store):
    ticks = [1000.0]
    media = MediaStore(tmp_path / "media", monotonic=lambda: ticks[0])
    name = media.save(PHOTO, "image/jpeg")
    stamp = time.time() - 40 * 86400  # as after the wall clock stepped forward 40 days
    os.utime(media.path(name), (stamp, stamp))
    ticks[0] += 3599
    assert await prune_media(store, media, RETENTION, NOW) == 0  # no post yet, kept
    ticks[0] += 2
    assert await prune_media(store, media, RETENTION, NOW) == 1  # never used: it goes
    assert not media.path(name).exists()
