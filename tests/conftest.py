from __future__ import annotations

import gc
import sqlite3
import subprocess
import time
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import App
from bot.context import Services
from bot.models import IncomingMessage
from bot.settings import Settings
from tests.fakes import OWNER, FakeTransport, make_message, refuse_network
from tests.quick import quick_settings

refuse_network()

# neonize runs os.popen("uname -a") at import and never waits for it; reap that child and its
# pipe here, once, instead of letting the ResourceWarning fail whichever test creates the next
# subprocess (subprocess reaps finished children whenever a new Popen is made).
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ResourceWarning)
    import neonize.aioze.client  # noqa: F401

    gc.collect()
    time.sleep(0.05)
    subprocess.run(["true"], check=False)

# Saturday 21 Nov 2026, 20:00 WIB
SATURDAY_EVENING = datetime(2026, 11, 21, 13, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand; the scheduler measures waits on it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class Bot:
    """A started App over a FakeTransport, driven through the real dispatcher."""

    def __init__(self, app: App, transport: FakeTransport, clock: Callable[[], datetime]):
        self.app = app
        self.transport = transport
        self.clock = clock

    @property
    def services(self) -> Services:
        assert self.app.services is not None
        return self.app.services

    async def say(self, text: str, **kwargs: object) -> str:
        """Send `text` as the owner; return the bot's reply (fails if there was none)."""
        kwargs.setdefault("timestamp", self.clock())  # typed just now, by the bot's clock
        return await self.send(make_message(text, **kwargs))  # type: ignore[arg-type]

    async def send(self, message: IncomingMessage) -> str:
        """Dispatch `message` (from the owner); return the bot's one reply."""
        before = len(self.transport.replies())
        assert self.app.dispatcher is not None
        await self.app.dispatcher.dispatch(message)
        replies = self.transport.replies()
        assert len(replies) == before + 1, (
            f"expected one reply to {message.text!r}, got {replies[before:]}"
        )
        return replies[-1]


@pytest.fixture(scope="session")
def neonize_library() -> bytes:
    """The bytes of the installed neonize shared library (the Go code, whatsmeow's texts)."""
    import neonize

    libraries = list(Path(neonize.__file__).parent.glob("neonize-*.so"))
    if not libraries:
        pytest.skip("no neonize shared library on this platform")
    return libraries[0].read_bytes()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    # Sending at once unless a test asks otherwise (tests/quick.py).
    return quick_settings(data_dir=tmp_path / "data", owners=(OWNER,))


BotFactory = Callable[..., Awaitable[Bot]]


@pytest.fixture
async def start_bot(settings: Settings) -> AsyncIterator[BotFactory]:
    started: list[App] = []

    async def start(
        clock: Callable[[], datetime] | None = None,
        transport: FakeTransport | None = None,
        settings_: Settings | None = None,
    ) -> Bot:
        transport = transport or FakeTransport()
        app = App(settings_ or settings, transport, clock or (lambda: datetime.now(UTC)))
        await app.start()
        started.append(app)
        return Bot(app, transport, app.clock)

    yield start
    for app in started:
        if app._store is not None:
            await app.stop()


@pytest.fixture
async def bot(start_bot: BotFactory) -> Bot:
    """A bot whose clock is frozen at Saturday evening, 21 Nov 2026 20:00 WIB."""
    return await start_bot(clock=Clock(SATURDAY_EVENING))


@pytest.fixture
async def bot_with_target(bot: Bot) -> Bot:
    await bot.say("/tujuan Grup Demo A")
    return bot


def notice_rows(db_path: Path) -> list[tuple[str, str | None]]:
    """The owner's notices in bot.db, read beside the running bot: (text, sent_at)."""
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return [
            (str(text), sent_at)
            for text, sent_at in db.execute("SELECT text, sent_at FROM notices ORDER BY id")
        ]
    finally:
        db.close()
