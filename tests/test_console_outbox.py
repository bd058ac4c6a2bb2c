"""The console's outbox is its delivery: a record the disk refused is never written later (no
second copy of the post), a short write is completed, a half record is taken back, and the
post is reported uncertain (the owner decides with /ulang), never failed and re-sent.

The console writes through os.write; the stand-in below is os.write, except that the calls a
test picks fail as on a full disk (OSError ENOSPC, as measured writing to a full tmpfs) or
write only part of the bytes (a short write, which POSIX allows and a filling disk produces).
"""

from __future__ import annotations

import asyncio
import errno
import io
import json
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot import messages as m
from bot.app import App
from bot.models import PostContent, PostStatus
from bot.transport.console import DEMO_GROUPS, ConsoleTransport
from tests.quick import quick_settings

DEMO_A = DEMO_GROUPS[0]
OWNER = "6281234567890"


class FillingDisk:
    """os.write with a plan: each call takes the next step ('ok', 'full' or 'short')."""

    def __init__(self) -> None:
        self.plan: list[str] = []
        self.calls = 0

    def __call__(self, fd: int, data: bytes) -> int:
        self.calls += 1
        step = self.plan.pop(0) if self.plan else "ok"
        if step == "full":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        if step == "short":
            return os.write(fd, data[: len(data) // 2])
        return os.write(fd, data)


class Rig:
    def __init__(self, app: App, disk: FillingDisk, outbox: Path) -> None:
        self.app = app
        self.disk = disk
        self.outbox = outbox

    def lines(self) -> list[str]:
        return self.outbox.read_text(encoding="utf-8").splitlines() if self.outbox.exists() else []

    def records(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.lines()]  # every line one whole record

    def posts(self) -> list[int]:
        return [r["post_id"] for r in self.records() if r["chat"].endswith("@g.us")]

    def notices(self) -> list[str]:
        return [r["text"] for r in self.records() if r["chat"] == f"{OWNER}@s.whatsapp.net"]

    async def add(self, text: str) -> int:
        post = await self.app.store.add_post(
            datetime.now(UTC), PostContent(text), [(DEMO_A.jid, DEMO_A.name)]
        )
        assert self.app.services is not None
        self.app.services.queue_changed()
        return post.id

    async def status(self, post_id: int) -> PostStatus:
        post = await self.app.store.get_post(post_id)
        assert post is not None
        return post.status


async def until(check: Callable[[], Awaitable[bool]], limit_s: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + limit_s
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    settings = quick_settings(data_dir=tmp_path / "data", owners=(OWNER,))
    disk = FillingDisk()
    transport = ConsoleTransport(
        settings.data_dir,
        self_number=OWNER,
        stdin=io.StringIO(""),
        stdout=io.StringIO(),
        write=disk,
    )
    app = App(settings, transport)
    await app.start()
    made = Rig(app, disk, settings.data_dir / "outbox.jsonl")
    yield made
    if app._store is not None:
        await app.stop()


async def test_refused_record_is_uncertain_and_never_written_later(rig: Rig):
    rig.disk.plan = ["full"]
    first = await rig.add("Promo hari ini")

    async def reported() -> bool:
        return await rig.status(first) is PostStatus.UNCERTAIN and bool(rig.notices())

    await until(reported)
    second = await rig.add("Pengumuman")

    async def sent() -> bool:
        return await rig.status(second) is PostStatus.SENT

    await until(sent)
    await rig.app.stop()
    # the refused record never appeared, not with the next write, not at the close
    assert rig.posts() == [second]
    reason = m.SEND_UNEXPECTED.format(error=m.DISK_FULL)
    assert rig.notices() == [m.SEND_UNCERTAIN.format(id=first, dest=DEMO_A.name, reason=reason)]
    assert rig.notices()[0].endswith(f"/ulang {first}")


async def test_short_write_is_completed_into_one_record(rig: Rig):
    rig.disk.plan = ["short"]
    post = await rig.add("Selamat pagi semua")

    async def sent() -> bool:
        return await rig.status(post) is PostStatus.SENT

    await until(sent)
    assert rig.posts() == [post]
    assert rig.records()[0]["text"] == "Selamat pagi semua"
    assert rig.disk.calls == 2  # the half, then the rest


async def test_half_written_record_is_taken_back(rig: Rig):
    rig.disk.plan = ["short", "full"]
    first = await rig.add("Setengah")

    async def reported() -> bool:
        return await rig.status(first) is PostStatus.UNCERTAIN and bool(rig.notices())

    await until(reported)
    second = await rig.add("Utuh")

    async def sent() -> bool:
        return await rig.status(second) is PostStatus.SENT

    await until(sent)
    assert rig.posts() == [second]  # and every line parses: no torn record
    assert all(line.startswith("{") for line in rig.lines())
