""" "typing..." before a post and staying "unavailable" while idle: the WhatsApp transport
against the neonize/whatsmeow simulator (tests/wasim), the console transport, and the
simulator's two presence exports against neonize's own client code."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from loguru import logger
from neonize.exc import SendPresenceError
from neonize.utils.enum import ChatPresence, ChatPresenceMedia, Presence

from bot.models import IncomingMessage
from bot.transport.console import DEMO_GROUPS, ConsoleTransport
from bot.transport.whatsapp.linkstate import Phase
from bot.transport.whatsapp.reconnect import ReconnectPolicy
from bot.transport.whatsapp.transport import WhatsAppTransport
from tests.conftest import SATURDAY_EVENING
from tests.vclock import VirtualClock
from tests.wasim import (
    CLIENT_IS_NIL,
    NO_PUSH_NAME,
    NOT_CONNECTED,
    WhatsAppSim,
    jid,
    reset_event_loop,
)

PHONE = "6281234567890"
POLICY = ReconnectPolicy(
    initial=3, cap=60, jitter=0, max_failed_connects=40, connect_timeout=60, stay_down_limit=600
)


async def reachable() -> None:
    return None


async def ignore(_: IncomingMessage) -> None:
    return None


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock(SATURDAY_EVENING)


@pytest.fixture
async def world(clock: VirtualClock) -> AsyncIterator[WhatsAppSim]:
    reset_event_loop()
    sim = WhatsAppSim(clock, phone=PHONE)
    sim.add_group("Grup Pengumuman")
    try:
        yield sim
    finally:
        await sim.aclose()
        reset_event_loop()


@pytest.fixture
def warnings() -> Iterator[list[str]]:
    seen: list[str] = []
    sink = logger.add(lambda message: seen.append(message.record["message"]), level="WARNING")
    yield seen
    logger.remove(sink)


@pytest.fixture
async def transport(
    tmp_path: Path, world: WhatsAppSim, clock: VirtualClock
) -> AsyncIterator[WhatsAppTransport]:
    wa = WhatsAppTransport(
        tmp_path,
        ZoneInfo("Asia/Jakarta"),
        policy=POLICY,
        client_factory=world.factory,
        probe=reachable,
        clock=clock,
        sleep=clock.sleep,
    )
    await wa.start(ignore)
    await clock.settle()
    try:
        yield wa
    finally:
        await wa.stop()


def group_of(world: WhatsAppSim) -> str:
    return f"{world.groups[0].JID.User}@g.us"


# --- staying unavailable ---------------------------------------------------------------------


async def test_each_connect_sends_unavailable_once(
    transport: WhatsAppTransport, world: WhatsAppSim, clock: VirtualClock
):
    assert transport.status.phase is Phase.CONNECTED
    assert world.presences == ["unavailable"]
    await clock.advance(120)  # keepalives: no new connection, nothing more
    assert world.presences == ["unavailable"]

    world.drop_connection()  # whatsmeow reconnects by itself: a new ConnectedEv
    await clock.advance(30)
    assert transport.status.phase is Phase.CONNECTED
    assert world.presences == ["unavailable", "unavailable"]


@pytest.mark.parametrize("failure", ["fault", "no push name"])
async def test_a_refused_presence_leaves_the_connection_working(
    tmp_path: Path,
    world: WhatsAppSim,
    clock: VirtualClock,
    warnings: list[str],
    failure: str,
):
    if failure == "fault":
        world.fail_next_presence(NOT_CONNECTED)
    else:  # just after pairing, before the app state sync brings the push name
        world.push_name = ""
    wa = WhatsAppTransport(
        tmp_path,
        ZoneInfo("Asia/Jakarta"),
        policy=POLICY,
        client_factory=world.factory,
        probe=reachable,
        clock=clock,
        sleep=clock.sleep,
    )
    await wa.start(ignore)
    try:
        await clock.settle()
        assert world.presences == []
        text = NOT_CONNECTED if failure == "fault" else NO_PUSH_NAME
        assert warnings == [f"could not mark this device unavailable: SendPresenceError: {text}"]
        assert wa.status.phase is Phase.CONNECTED
        await clock.run(wa.send_text(group_of(world), "tetap terkirim"))
        assert [s.text for s in world.sent] == ["tetap terkirim"]
        assert world.connect_calls == 1  # no reconnect for it
    finally:
        await wa.stop()


# --- typing ----------------------------------------------------------------------------------


async def test_typing_is_shown_then_cleared_in_the_chat(
    transport: WhatsAppTransport, world: WhatsAppSim, clock: VirtualClock
):
    chat = group_of(world)
    await clock.run(transport.set_typing(chat, True))
    await clock.run(transport.set_typing(chat, False))
    # presence.go SendChatPresence: media "" (text) travels with composing only
    assert world.chat_presences == [(chat, "composing", ""), (chat, "paused", "")]


async def test_a_failed_typing_is_logged_and_never_raised(
    transport: WhatsAppTransport, world: WhatsAppSim, clock: VirtualClock, warnings: list[str]
):
    chat = group_of(world)
    world.fail_next_chat_presence(NOT_CONNECTED)
    await clock.run(transport.set_typing(chat, True))  # returns, raises nothing
    assert world.chat_presences == []
    assert warnings == [
        f"could not show typing in {chat}: SendPresenceError: {NOT_CONNECTED}",
    ]
    await clock.run(transport.set_typing(chat, False))
    assert world.chat_presences == [(chat, "paused", "")]


async def test_no_typing_is_attempted_while_the_link_is_down(
    transport: WhatsAppTransport, world: WhatsAppSim, clock: VirtualClock, warnings: list[str]
):
    world.network = "down"
    world.drop_connection()
    await clock.advance(1)
    assert not transport.status.connected
    await clock.run(transport.set_typing(group_of(world), True))
    assert world.chat_presences == []
    assert not [line for line in warnings if "typing" in line]


async def test_console_typing_prints_nothing(tmp_path: Path):
    out = io.StringIO()
    console = ConsoleTransport(tmp_path, stdin=io.StringIO(""), stdout=out)
    await console.set_typing(DEMO_GROUPS[0].jid, True)
    await console.set_typing(DEMO_GROUPS[0].jid, False)
    assert out.getvalue() == ""
    assert not (tmp_path / "outbox.jsonl").exists()


# --- the simulator's presence exports, through neonize's own client code ----------------------


async def test_the_simulated_presence_exports_answer_as_goneonize_does(
    world: WhatsAppSim, clock: VirtualClock
):
    client = world.factory("session.db")
    group = world.groups[0].JID
    # before connect: goneonize clients[uuid] is nil (whatsmeow ErrClientIsNil)
    with pytest.raises(SendPresenceError) as refused:
        await clock.run(client.send_presence(Presence.UNAVAILABLE))
    # aioze/client.py send_presence passes the Go answer on undecoded
    assert refused.value.args == (CLIENT_IS_NIL.encode(),)
    await client.connect()
    await clock.settle()
    await clock.run(client.send_presence(Presence.UNAVAILABLE))
    await clock.run(client.send_presence(Presence.AVAILABLE))
    assert world.presences == ["unavailable", "available"]

    media = ChatPresenceMedia.CHAT_PRESENCE_MEDIA_AUDIO
    await clock.run(client.send_chat_presence(group, ChatPresence.CHAT_PRESENCE_COMPOSING, media))
    await clock.run(client.send_chat_presence(group, ChatPresence.CHAT_PRESENCE_PAUSED, media))
    chat = f"{group.User}@g.us"
    assert world.chat_presences == [(chat, "composing", "audio"), (chat, "paused", "")]

    world.fail_next_chat_presence(NOT_CONNECTED)
    with pytest.raises(SendPresenceError) as failed:
        await clock.run(
            client.send_chat_presence(jid(PHONE), ChatPresence.CHAT_PRESENCE_COMPOSING, media)
        )
    assert failed.value.args == (NOT_CONNECTED,)  # send_chat_presence decodes it
    await client.stop()
    await clock.settle()


@pytest.mark.parametrize(
    "source",
    [
        NO_PUSH_NAME,  # errors.go ErrNoPushName, presence.go SendPresence
        "composing",  # types/presence.go ChatPresenceComposing
        "unavailable",  # types/presence.go PresenceUnavailable
    ],
)
def test_each_simulated_text_is_in_the_installed_whatsmeow(neonize_library: bytes, source: str):
    assert source.encode() in neonize_library
