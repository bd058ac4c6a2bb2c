"""The connection time /status shows follows /zona: the real WhatsApp transport over the
neonize/whatsmeow simulator (tests/wasim), on a virtual clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot import messages as m
from bot.app import App
from bot.timefmt import format_local
from bot.transport.whatsapp.linkstate import Phase
from bot.transport.whatsapp.transport import WhatsAppTransport
from tests.conftest import SATURDAY_EVENING
from tests.quick import quick_settings
from tests.vclock import VirtualClock
from tests.wasim import WhatsAppSim, reset_event_loop

BOT_PHONE = "6281234567890"
OWN_CHAT = f"{BOT_PHONE}@s.whatsapp.net"  # self mode: replies come to the account's own chat


async def reachable() -> None:
    return None


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock(SATURDAY_EVENING)


@pytest.fixture
async def world(clock: VirtualClock) -> AsyncIterator[WhatsAppSim]:
    reset_event_loop()
    sim = WhatsAppSim(clock, phone=BOT_PHONE)
    try:
        yield sim
    finally:
        await sim.aclose()
        reset_event_loop()


async def say(world: WhatsAppSim, clock: VirtualClock, text: str) -> str:
    before = len([s for s in world.sent if s.to == OWN_CHAT])
    world.self_chat(text)
    await clock.until(lambda: len([s for s in world.sent if s.to == OWN_CHAT]) > before)
    await clock.advance(2)
    replies = [s.text for s in world.sent if s.to == OWN_CHAT][before:]
    assert len(replies) == 1, replies
    return replies[0]


async def test_status_shows_the_connection_time_in_the_zone_set_by_zona(
    tmp_path: Path, world: WhatsAppSim, clock: VirtualClock
):
    settings = quick_settings(data_dir=tmp_path / "data")
    transport = WhatsAppTransport(
        settings.data_dir,
        settings.timezone,  # the configured zone, Asia/Jakarta
        client_factory=world.factory,
        probe=reachable,
        clock=clock,
        sleep=clock.sleep,
    )
    app = App(settings, transport, clock)
    await app.start()
    try:
        await clock.settle()
        assert transport.status.phase is Phase.CONNECTED
        since = transport.status.connected_since
        assert since is not None
        wib = m.LINK_CONNECTED.format(since=format_local(since, ZoneInfo("Asia/Jakarta")))
        wita = m.LINK_CONNECTED.format(since=format_local(since, ZoneInfo("Asia/Makassar")))
        assert wib != wita

        assert f"Koneksi: {wib}" in await say(world, clock, "/status")
        await say(world, clock, "/zona WITA")
        reply = await say(world, clock, "/status")
        assert f"Koneksi: {wita}" in reply
        assert "WIB" not in reply
    finally:
        await app.stop()
