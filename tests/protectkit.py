"""The real App (store, scheduler, deliverer, notice sender, dispatcher) on virtual time, over a
FakeTransport that stamps each send with the virtual clock: for the tests of what holds,
paces and spaces sends to protect the owner's number."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.app import App
from bot.models import Group, PostContent, SentMessage
from bot.settings import Settings
from tests.conftest import Bot
from tests.fakes import GROUPS, OWNER, OWNER_CHAT, FakeTransport, Sent
from tests.quick import quick_settings
from tests.vclock import VirtualClock

START = datetime(2026, 11, 21, 13, 0, tzinfo=UTC)  # Saturday 20:00 WIB
DEMO_A, DEMO_B = GROUPS[0], GROUPS[1]


class ClockedTransport(FakeTransport):
    """A FakeTransport whose sends carry the virtual time they went out at."""

    def __init__(self, clock: VirtualClock) -> None:
        super().__init__()
        self.clock = clock
        self.typing_at: list[tuple[datetime, str, bool]] = []  # set_typing calls, timed
        self.fail_next: list[Exception] = []  # the next sends to groups fail with these

    async def set_typing(self, chat: str, typing: bool) -> None:
        self.typing_at.append((self.clock(), chat, typing))
        await super().set_typing(chat, typing)

    def _record(self, sent: Sent) -> SentMessage:
        if sent.chat != OWNER_CHAT and self.fail_next:
            raise self.fail_next.pop(0)
        sent.at = self.clock()
        return super()._record(sent)

    def post_sends(self) -> list[Sent]:
        return [s for s in self.sent if s.chat != OWNER_CHAT]

    def owner_sends(self, starting: str | None = None) -> list[Sent]:
        return [
            s
            for s in self.sent
            if s.chat == OWNER_CHAT and (starting is None or s.text.startswith(starting))
        ]


class Launcher:
    """Starts Apps on one virtual clock (a restart: a new App on the same data dir)."""

    def __init__(self, tmp_path: Path, start: datetime = START) -> None:
        self.tmp_path = tmp_path
        self.clock = VirtualClock(start)
        self.apps: list[App] = []

    def at(self, start: datetime) -> Launcher:
        """Start the virtual clock at `start` instead (before any App is started)."""
        assert not self.apps
        self.clock = VirtualClock(start)
        return self

    def settings(self, **values: Any) -> Settings:
        return quick_settings(data_dir=self.tmp_path / "data", owners=(OWNER,), **values)

    async def start(self, settings: Settings, transport: ClockedTransport | None = None) -> Bot:
        transport = transport or ClockedTransport(self.clock)
        clock = self.clock
        app = App(settings, transport, clock, sleep=clock.sleep, monotonic=lambda: clock.elapsed)
        await app.start()
        self.apps.append(app)
        return Bot(app, transport, clock)

    async def stop(self, bot: Bot) -> None:
        await bot.app.stop()


# The notice sender reads its queue every 5 s when idle; a new notice wakes it at once, so a
# rarer look changes nothing here but the real time that hours of virtual time take.
IDLE_NOTICE_LOOK_S = 600.0


@contextlib.asynccontextmanager
async def launched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Launcher]:
    """A Launcher over `tmp_path`; every App it started is stopped at the end."""
    monkeypatch.setattr("bot.app._NOTICE_RETRY_S", IDLE_NOTICE_LOOK_S)
    made = Launcher(tmp_path)
    try:
        yield made
    finally:
        for app in made.apps:
            if app._store is not None:
                await app.stop()


@pytest.fixture
async def launcher(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Launcher]:
    async with launched(tmp_path, monkeypatch) as made:
        yield made


_texts = itertools.count(1)


async def queue(
    bot: Bot, due: datetime, count: int = 1, groups: Sequence[Group] = (DEMO_A,), text: str = ""
) -> list[int]:
    """Queue `count` posts due at `due` (as the owner would, some time before); their ids."""
    ids = []
    for _ in range(count):
        content = PostContent(text or f"post {next(_texts)}")
        post = await bot.app.store.add_post(
            due,
            content,
            [(g.jid, g.name) for g in groups],
            now=min(due, bot.clock()) - timedelta(minutes=1),
        )
        ids.append(post.id)
    bot.services.queue_changed()
    return ids


def most_in_any_window(times: Sequence[datetime], window: timedelta) -> int:
    """The most sends any span of `window` (start included, end excluded) holds."""
    ordered = sorted(times)
    return max(
        (sum(1 for t in ordered[i:] if t - start < window) for i, start in enumerate(ordered)),
        default=0,
    )


async def run_until(clock: VirtualClock, predicate: Callable[[], bool], limit_s: float) -> None:
    """Move virtual time from one sleeper's deadline to the next until `predicate()` holds.

    VirtualClock.until gives unseen threads real time at every step; here the database's
    thread is the only one, and the clock's busy check waits for it already, so hours of
    virtual time (a quiet night, a 15 minute pause) take a second or two."""
    give_up = clock.elapsed + limit_s
    await clock.settle()
    while not predicate():
        upcoming = clock.pending()
        if not upcoming or clock.elapsed + upcoming[0] > give_up:
            raise AssertionError(
                f"condition not met within {limit_s} virtual s (sleepers due in {upcoming})"
            )
        await clock.advance(upcoming[0])
