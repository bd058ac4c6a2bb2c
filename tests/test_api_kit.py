"""The HTTP API's test kit (a started bot with the API on 127.0.0.1, port 0, and real HTTP
clients), and the settings that turn the API on."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path

import httpx
import pytest

from bot.app import App
from bot.datadir import EnvironmentProblem
from bot.models import OPEN, PostStatus
from bot.settings import Settings, SettingsError, load_settings
from tests.conftest import SATURDAY_EVENING, Bot, BotFactory, Clock
from tests.fakes import FakeTransport

TOKEN = "uji-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@dataclass
class Api:
    bot: Bot
    client: httpx.AsyncClient  # sends the token
    anonymous: httpx.AsyncClient  # sends none
    port: int

    @property
    def clock(self) -> Clock:
        assert isinstance(self.bot.clock, Clock)
        return self.bot.clock

    async def queued(self) -> int:
        """Posts in the database, in any state."""
        return sum((await self.bot.app.store.counts()).values())

    async def pending(self) -> int:
        return (await self.bot.app.store.counts())[PostStatus.PENDING]

    async def settled(self, post_id: int, limit_s: float = 10.0) -> None:
        """Wait until neither the post nor any of its groups is pending or being sent (read
        on the bot's one connection, a change may be seen before its transaction ends: the
        post's own state is summed up last)."""
        deadline = asyncio.get_running_loop().time() + limit_s
        while True:
            post = await self.bot.app.store.get_post(post_id)
            assert post is not None
            if post.status not in OPEN and not post.with_status(*OPEN):
                return
            assert asyncio.get_running_loop().time() < deadline, post
            await asyncio.sleep(0.01)

    async def raw(self, request: bytes, *, half_close: bool = False) -> tuple[int, bytes]:
        """Send `request` as it is (no client normalises its path); the status and body,
        (0, b"") when no answer came. `half_close`: then end the sending side, as a client
        that sends no more does."""
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        try:
            writer.write(request)
            await writer.drain()
            if half_close:
                writer.write_eof()
            answer = await asyncio.wait_for(reader.read(), 5)
        finally:
            writer.close()
            await writer.wait_closed()
        if not answer:
            return 0, b""
        head, _, body = answer.partition(b"\r\n\r\n")
        return int(head.split(b" ", 2)[1]), body


def api_settings(settings: Settings, token: str | None = TOKEN) -> Settings:
    return replace(settings, api_listen=("127.0.0.1", 0), api_token=token)


def clients(port: int) -> tuple[httpx.AsyncClient, httpx.AsyncClient]:
    base = f"http://127.0.0.1:{port}"
    # trust_env=False: no proxy from the environment; only loopback is reached.
    return (
        httpx.AsyncClient(base_url=base, headers=AUTH, trust_env=False, timeout=10),
        httpx.AsyncClient(base_url=base, trust_env=False, timeout=10),
    )


async def start_api(
    start_bot: BotFactory, settings: Settings, *, target: bool = True, token: str | None = TOKEN
) -> AsyncIterator[Api]:
    bot = await start_bot(
        clock=Clock(SATURDAY_EVENING),
        transport=FakeTransport(),
        settings_=api_settings(settings, token),
    )
    if target:
        await bot.say("/tujuan Grup Demo A")
    assert bot.app.api is not None and bot.app.api.address is not None
    port = bot.app.api.address[1]
    client, anonymous = clients(port)
    async with client, anonymous:
        yield Api(bot, client, anonymous, port)


@pytest.fixture(name="api")
async def api_fixture(start_bot: BotFactory, settings: Settings) -> AsyncIterator[Api]:
    """A bot at Saturday 21 Nov 2026 20:00 WIB, default group Grup Demo A, API on."""
    async for started in start_api(start_bot, settings):
        yield started


# --- the settings ------------------------------------------------------------------------


def _load(**env: str) -> Settings:
    return load_settings({f"JADWAL_{k}": v for k, v in env.items()}, env_file=None)


def test_the_api_is_off_unless_an_address_is_set() -> None:
    assert _load().api_listen is None
    assert _load(API_TOKEN=TOKEN).api_listen is None


@pytest.mark.parametrize(
    ("raw", "listen"),
    [
        ("127.0.0.1:8787", ("127.0.0.1", 8787)),
        ("localhost:0", ("localhost", 0)),
        ("[::1]:8787", ("::1", 8787)),
        (" 127.0.0.2:80 ", ("127.0.0.2", 80)),
    ],
)
def test_loopback_needs_no_token(raw: str, listen: tuple[str, int]) -> None:
    settings = _load(API_LISTEN=raw)
    assert settings.api_listen == listen
    assert settings.api_token is None


@pytest.mark.parametrize("raw", ["0.0.0.0:8787", "192.168.1.5:8787", "[::]:8787", "bot.lan:80"])
def test_an_address_others_reach_is_refused_without_a_token(raw: str) -> None:
    with pytest.raises(SettingsError) as refused:
        _load(API_LISTEN=raw)
    assert refused.value.problems == (
        f"JADWAL_API_LISTEN={raw!r} is reachable from other machines: set JADWAL_API_TOKEN "
        "too, or listen on 127.0.0.1",
    )
    assert _load(API_LISTEN=raw, API_TOKEN=TOKEN).api_listen is not None


@pytest.mark.parametrize(
    "raw", ["8787", "127.0.0.1", "127.0.0.1:", ":8787", "127.0.0.1:70000", "::1:80", "[x]:80"]
)
def test_an_unreadable_address_is_refused(raw: str) -> None:
    with pytest.raises(SettingsError) as refused:
        _load(API_LISTEN=raw)
    assert "JADWAL_API_LISTEN" in refused.value.problems[0]
    assert "host:port" in refused.value.problems[0]


@pytest.mark.parametrize("token", ["pendek", "spasi di dalam token ini", "tökén-0123456789abcdef"])
def test_a_weak_or_odd_token_is_refused(token: str) -> None:
    with pytest.raises(SettingsError) as refused:
        _load(API_LISTEN="127.0.0.1:8787", API_TOKEN=token)
    assert refused.value.problems[0].startswith("JADWAL_API_TOKEN: at least 16 ASCII")


def test_the_token_is_not_in_the_settings_repr() -> None:
    settings = _load(API_LISTEN="127.0.0.1:8787", API_TOKEN=TOKEN)
    assert settings.api_token == TOKEN
    assert TOKEN not in repr(settings)


async def test_a_port_in_use_is_a_clear_start_error(settings: Settings) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        app = App(replace(settings, api_listen=("127.0.0.1", port)), FakeTransport())
        try:
            with pytest.raises(EnvironmentProblem) as refused:
                await app.start()
        finally:
            await app.stop()
    assert str(refused.value).startswith(f"JADWAL_API_LISTEN=127.0.0.1:{port}: cannot listen")
    assert app.api is None


async def test_the_bound_port_is_readable_and_stop_closes_it(
    start_bot: BotFactory, settings: Settings, tmp_path: Path
) -> None:
    bot = await start_bot(settings_=api_settings(settings))
    assert bot.app.api is not None and bot.app.api.address is not None
    host, port = bot.app.api.address
    assert host == "127.0.0.1" and port > 0
    client, anonymous = clients(port)
    async with client, anonymous:
        assert (await anonymous.get("/health")).status_code == 200
        await bot.app.stop()
        assert bot.app.api is None
        with pytest.raises(httpx.ConnectError):
            await anonymous.get("/health")
