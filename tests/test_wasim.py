"""The simulator behaves like neonize 0.5.2 + whatsmeow, as their sources say (tests/wasim.py).

Everything runs on a VirtualClock: no test waits in real time for a virtual second.
"""

from __future__ import annotations

import asyncio
import gc
import inspect
import re
import threading
from collections.abc import AsyncIterator, Awaitable
from datetime import UTC, datetime
from io import BytesIO
from typing import Any

import pytest
from neonize.aioze.client import NewAClient
from neonize.aioze.events import (
    ClientOutdatedEv,
    ConnectedEv,
    ConnectFailureEv,
    DisconnectedEv,
    KeepAliveTimeoutEv,
    LoggedOutEv,
    MessageEv,
    PairStatusEv,
    StreamReplacedEv,
    TemporaryBanEv,
)
from neonize.exc import (
    DownloadError,
    GetGroupInfoError,
    GetJIDFromStoreError,
    NeonizeError,
    PairPhoneError,
    SendMessageError,
    UploadError,
)
from neonize.proto import Neonize_pb2 as pb
from PIL import Image, UnidentifiedImageError

from tests.vclock import VirtualClock
from tests.wasim import (
    DIAL_ERROR,
    GROUP_NOT_FOUND,
    HANG_ERROR,
    NOT_CONNECTED,
    NOT_IN_GROUP,
    SEND_TIMEOUT,
    GoPanic,
    SimClient,
    WhatsAppSim,
    download_error,
    jid,
    members_error,
    reset_event_loop,
    server_error,
)

START = datetime(2026, 11, 21, 13, 0, tzinfo=UTC)
SESSION = "data/session.db"
CONTACT_LID, CONTACT_PN = "22222222222222", "6285555555555"


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock(START)


@pytest.fixture
async def world(clock: VirtualClock) -> AsyncIterator[WhatsAppSim]:
    reset_event_loop()
    sim = WhatsAppSim(clock)
    try:
        yield sim
    finally:
        await sim.aclose()  # releases every blocked Go call: the executor can shut down
        reset_event_loop()


def record(client: SimClient, clock: VirtualClock, *kinds: type) -> list[tuple[str, float, Any]]:
    """Register a handler per event type; each appends (type name, virtual s, event)."""
    seen: list[tuple[str, float, Any]] = []
    for kind in kinds:

        async def handler(_: NewAClient, event: Any, name: str = kind.__name__) -> None:
            seen.append((name, clock.elapsed, event))

        client.event(kind)(handler)
    return seen


async def outcome(clock: VirtualClock, call: Awaitable[Any]) -> tuple[Any, float]:
    """Run `call` on virtual time; return (result or exception, virtual seconds it took)."""
    began = clock.elapsed
    try:
        result = await clock.run(call, limit_s=600)
    except Exception as error:
        result = error
    return result, clock.elapsed - began


async def connected(
    world: WhatsAppSim, clock: VirtualClock, *kinds: type
) -> tuple[SimClient, list[tuple[str, float, Any]]]:
    client = world.factory(SESSION)
    seen = record(client, clock, ConnectedEv, *kinds)
    await client.connect()
    await clock.settle()
    assert [name for name, *_ in seen] == ["Connected"]
    return client, seen


# --- the virtual clock -----------------------------------------------------------------------


async def test_clock_wakes_each_sleeper_at_its_own_deadline(clock: VirtualClock) -> None:
    woke: list[tuple[str, float]] = []

    async def sleeper(name: str, seconds: float) -> None:
        await clock.sleep(seconds)
        woke.append((name, clock.elapsed))
        if name == "a":  # started while time moves: still woken within the same advance
            await clock.sleep(1)
            woke.append(("a2", clock.elapsed))

    tasks = [asyncio.ensure_future(sleeper(n, s)) for n, s in (("b", 5), ("a", 2), ("c", 9))]
    await clock.settle()
    assert clock.pending() == [2, 5, 9]
    await clock.advance(6)
    assert woke == [("a", 2), ("a2", 3), ("b", 5)]
    assert clock() == datetime(2026, 11, 21, 13, 0, 6, tzinfo=UTC)
    await clock.advance(3)
    assert woke[-1] == ("c", 9)
    await asyncio.gather(*tasks)


async def test_clock_lets_thread_hand_offs_finish_before_moving_on(clock: VirtualClock) -> None:
    steps: list[str] = []

    async def chain() -> None:
        steps.append(await asyncio.to_thread(lambda: "thread"))
        await clock.sleep(1)
        steps.append(await asyncio.to_thread(lambda: "thread again"))

    task = asyncio.ensure_future(chain())
    await clock.settle()
    assert steps == ["thread"]
    await clock.advance(1)
    assert steps == ["thread", "thread again"]
    await task


# --- SimClient is NewAClient -----------------------------------------------------------------


def test_every_public_method_has_neonize_signature() -> None:
    public = [
        name
        for name, value in inspect.getmembers(SimClient)
        if not name.startswith("_") and (callable(value) or isinstance(value, property))
    ]
    for name in (
        "connect",
        "stop",
        "disconnect",
        "send_message",
        "send_image",
        "get_joined_groups",
        "get_group_info",
        "download_any",
        "get_pn_from_lid",
        "get_me",
        "PairPhone",
        "is_connected",
        "is_logged_in",
    ):
        assert name in public
    for name in public:
        ours, theirs = (
            inspect.getattr_static(SimClient, name),
            inspect.getattr_static(NewAClient, name, None),
        )
        assert theirs is not None, f"SimClient.{name} is not a NewAClient method"
        if isinstance(theirs, property):
            assert ours is theirs, f"{name}: neonize's own property"
        else:
            assert inspect.signature(ours) == inspect.signature(theirs), name


# --- events: neonize's own decoding path -----------------------------------------------------


async def test_events_are_decoded_by_event_execute_and_each_runs_as_its_own_task(
    world: WhatsAppSim, clock: VirtualClock
) -> None:
    client = world.factory(SESSION)
    calls: list[tuple[bytes, int, int, bool]] = []
    execute = client.event.execute

    def spy(uuid: bytes, binary: int | None, size: int, code: int) -> None:
        calls.append((uuid, size, code, threading.current_thread() is threading.main_thread()))
        execute(uuid, binary, size, code)

    client.event.execute = spy  # connect() wraps whatever execute is then in a ctypes callback
    release = asyncio.Event()
    got: list[str] = []
    decoded: list[Any] = []

    @client.event(MessageEv)
    async def on_message(_: NewAClient, event: MessageEv) -> None:
        decoded.append(event)
        got.append(event.Message.conversation)
        if event.Message.conversation == "first":
            await release.wait()
        got.append("done " + event.Message.conversation)

    await client.connect()
    await clock.settle()
    first = world.self_chat("first")
    world.self_chat("second")
    await clock.settle()
    assert got == ["first", "second", "done second"]  # the second did not wait for the first
    release.set()
    await clock.settle()
    assert got[-1] == "done first"
    # code 0 (FetchMe) first; Connected (3) is not delivered: no handler subscribed to it
    assert [code for _, _, code, _ in calls] == [0, 17, 17]
    assert {uuid for uuid, *_ in calls} == {client.uuid}
    assert not any(on_main for *_, on_main in calls)  # from the Go call's thread
    assert isinstance(decoded[0], MessageEv) and decoded[0] == first
    assert decoded[0].Info.Timestamp == int(START.timestamp() * 1000)  # milliseconds


async def test_code_zero_sets_client_me_before_the_next_event(
    world: WhatsAppSim, clock: VirtualClock
) -> None:
    client = world.factory(SESSION)
    me_at_connected: list[Any] = []

    @client.event(ConnectedEv)
    async def on_connected(c: NewAClient, _: ConnectedEv) -> None:
        me_at_connected.append(c.me)

    assert client.me is None
    await client.connect()
    await clock.settle()
    (me,) = me_at_connected
    assert me is not None
    assert (me.JID.User, me.JID.Device, me.JID.Server) == (
        world.phone,
        world.device,
        "s.whatsapp.net",
    )
    assert (me.LID.User, me.LID.Server) == (world.lid, "lid")
    assert client.connected  # Event.execute sets it on code 3


# --- the Go call's lifetime ------------------------------------------------------------------


async def test_qr_codes_60s_then_20s_then_silence_and_a_call_stop_cannot_end(
    world: WhatsAppSim, clock: VirtualClock
) -> None:
    world.paired = False
    client = world.factory(SESSION)
    codes: list[tuple[float, bytes]] = []

    async def on_qr(_: NewAClient, data: bytes) -> None:
        codes.append((clock.elapsed, data))

    client.qr(on_qr)
    seen = record(client, clock, ConnectedEv, DisconnectedEv, PairStatusEv)
    task = await client.connect()
    await clock.advance(59.9)
    assert [at for at, _ in codes] == [0]
    await clock.advance(0.1)
    assert [at for at, _ in codes] == [0, 60]
    await clock.advance(600)
    assert [at for at, _ in codes] == [0, 60, 80, 100, 120, 140]
    assert len({data for _, data in codes}) == 6 and all(d.startswith(b"2@") for _, d in codes)
    assert seen == []  # whatsmeow disconnected at 160 s without an event the bot sees
    assert not task.done() and world.stuck_calls == 1  # goneonize FetchMe waits for ever
    await client.stop()
    await clock.advance(60)
    assert not task.done() and world.live_calls == 1


@pytest.mark.parametrize("how", ["stop", "disconnect"])
async def test_stopping_during_the_qr_phase_leaves_a_stuck_call(
    world: WhatsAppSim, clock: VirtualClock, how: str
) -> None:
    world.paired = False
    client = world.factory(SESSION)
    codes: list[float] = []

    async def on_qr(_: NewAClient, __: bytes) -> None:
        codes.append(clock.elapsed)

    client.qr(on_qr)
    task = await client.connect()
    await clock.advance(10)
    await (client.stop() if how == "stop" else client.disconnect())
    await clock.advance(600)
    assert codes == [0]  # emitQRs returned on the expected disconnect...
    assert not task.done() and world.stuck_calls == 1  # ...without closing the QR channel


async def test_a_second_connect_orphans_the_first_call(
    world: WhatsAppSim, clock: VirtualClock
) -> None:
    client = world.factory(SESSION)
    seen = record(client, clock, StreamReplacedEv)
    first = await client.connect()
    await clock.settle()
    second = await client.connect()
    await clock.settle()
    assert world.orphaned_calls == 1 and world.live_calls == 2
    assert [name for name, *_ in seen] == ["StreamReplaced"]  # the server dropped the older
    await client.stop()
    await clock.advance(60)
    assert second.done() and not first.done()  # Stop reaches only the newest StopSignal
    assert world.live_calls == 1


async def test_stop_ends_a_connected_call_and_frees_its_thread(
    world: WhatsAppSim, clock: VirtualClock
) -> None:
    client = world.factory(SESSION)
    task = await client.connect()
    await clock.settle()
    assert world.threads_in_go == 1 and await client.is_connected
    await client.disconnect()  # whatsmeow Disconnect: the call goes on
    await clock.advance(60)
    assert not task.done() and not await client.is_connected
    await client.stop()
    await clock.settle()
    assert task.done() and task.result() is None
    assert world.live_calls == 0 and world.threads_in_go == 0


async def test_cancelling_the_connect_task_stops_the_go_call(
    world: WhatsAppSim, clock: VirtualClock
) -> None:
    client = world.factory(SESSION)
    task = await client.connect()
    await clock.settle()
    task.cancel()  # _connect_and_check: gocode.Stop(uuid), synchronously, then re-raise
    await clock.settle()
    assert task.cancelled() and world.live_calls == 0 and world.threads_in_go == 0


async def test_a_collected_client_stops_the_live_call_of_its_session(
    world: WhatsAppSim, clock: VirtualClock
) -> None:
    old = world.factory(SESSION)
    old_task = await old.connect()
    await clock.settle()
    await old.stop()
    await clock.settle()
    assert old_task.done()
    new = world.factory(SESSION)
    task = await new.connect()
    await clock.settle()
    del old, old_task
    gc.collect()  # NewAClient's weakref.finalize(_release_ffi) runs gocode.Stop(uuid)
    await clock.settle()
    assert world.gc_stops == 1 and task.done() and world.live_calls == 0


async def test_offline_first_connect_fails_fast_with_the_dial_error_and_no_event(
    world: WhatsAppSim, clock: VirtualClock
) -> None:
    world.network = "down"
    client = world.factory(SESSION)
    seen = record(client, clock, ConnectedEv, DisconnectedEv, ConnectFailureEv)
    task = await client.connect()
    error, seconds = await outcome(clock, task)
    assert isinstance(error, NeonizeError) and str(error) == DIAL_ERROR and seconds == 0
    await clock.advance(600)
    assert seen == [] and world.connect_calls == 1 and world.live_calls == 0  # no retry


async def test_a_hanging_dial_fails_after_the_dial_timeout(
    world: WhatsAppSim, clock: VirtualClock
) -> None:
    world.network = "hang"
    client = world.factory(SESSION)
    error, seconds = await outcome(clock, await client.connect())
    assert isinstance(error, NeonizeError) and str(error) == HANG_ERROR
    assert seconds == world.dial_timeout_s
    task = await client.connect()
    await clock.advance(5)
    task.cancel()  # Go Stop on the loop's thread waits for whatsmeow's socketLock
    await clock.settle()
    assert world.loop_freezes == [world.dial_timeout_s - 5]
    task = await client.connect()
    await clock.advance(5)
    stop = asyncio.ensure_future(client.stop())  # on a worker thread: that one waits
    await clock.advance(world.dial_timeout_s - 5.1)
    assert not stop.done() and not task.done()
    await clock.advance(0.1)
    assert stop.done() and isinstance(task.exception(), NeonizeError)


# --- messages, sends, groups, media ----------------------------------------------------------


async def test_sends_are_never_echoed_and_answer_like_encodesendresponse(
    world: WhatsAppSim, clock: VirtualClock
) -> None:
    group = world.add_group("Grup Pengumuman")
    client, seen = await connected(world, clock, MessageEv)
    response, seconds = await outcome(clock, client.send_message(group.JID, "Halo semua"))
    assert seconds == world.send_delay_s
    assert response.Timestamp == int(clock().timestamp())  # seconds, not ms
    assert re.fullmatch(r"3EB0[0-9A-F]{18}", response.ID)
    (sent,) = world.sent
    assert (sent.to, sent.kind, sent.text, sent.id) == (
        f"{group.JID.User}@g.us",
        "text",
        "Halo semua",
        response.ID,
    )
    await clock.advance(600)
    assert [name for name, *_ in seen] == ["Connected"]


@pytest.mark.parametrize(
    ("arrange", "text", "seconds"),
    [
        ("timeout", SEND_TIMEOUT, 75.0),
        ("479", server_error(479), 0.5),
        ("not member", members_error(NOT_IN_GROUP), 0),
        ("no group", members_error(GROUP_NOT_FOUND), 0),
        ("disconnected", members_error(NOT_CONNECTED), 0),
        ("silent outage", SEND_TIMEOUT, 75.0),  # the socket looks up; no ack ever comes
    ],
)
async def test_send_failures_carry_whatsmeow_texts(
    world: WhatsAppSim, clock: VirtualClock, arrange: str, text: str, seconds: float
) -> None:
    group = world.add_group("Arisan", member=arrange != "not member")
    client, _ = await connected(world, clock)
    target = jid("120363999999999999", "g.us") if arrange == "no group" else group.JID
    if arrange == "timeout":
        world.fail_next_send(SEND_TIMEOUT)
    elif arrange == "479":
        world.fail_next_send(server_error(479))
    elif arrange == "disconnected":
        await client.disconnect()
    elif arrange == "silent outage":
        world.network = "down"
    error, took = await outcome(clock, client.send_message(target, "x"))
    assert isinstance(error, SendMessageError) and str(error) == text
    assert took == seconds and world.sent == []


async def test_send_image_uploads_first_and_needs_a_real_image(
    world: WhatsAppSim, clock: VirtualClock
) -> None:
    group = world.add_group("Grup Demo A")
    client, _ = await connected(world, clock)
    picture = BytesIO()
    Image.new("RGB", (8, 8), "red").save(picture, format="PNG")
    data = picture.getvalue()
    response, _ = await outcome(clock, client.send_image(group.JID, data, caption="Poster"))
    (sent,) = world.sent
    assert (sent.kind, sent.text, sent.size) == ("image", "Poster", len(data))
    assert world.media[response.Message.imageMessage.directPath] == data
    with pytest.raises(UnidentifiedImageError):  # neonize's thumbnail needs a decodable image
        await client.send_image(group.JID, b"\xff\xd8\xff\xe0" + bytes(32))
    await client.disconnect()
    error, _ = await outcome(clock, client.send_image(group.JID, data, caption="x"))
    assert isinstance(error, UploadError)  # not SendMessageError: the upload fails first
    assert str(error) == f"failed to refresh media connections: {NOT_CONNECTED}"


async def test_group_lookups(world: WhatsAppSim, clock: VirtualClock) -> None:
    mine = world.add_group("Grup Demo A", announce=True, admin=False)
    left = world.add_group("Lama", member=False)
    client, _ = await connected(world, clock)
    groups = await client.get_joined_groups()
    assert [g.GroupName.Name for g in groups] == ["Grup Demo A"]
    (me,) = [p for p in groups[0].Participants if p.LID.User == world.lid]
    assert groups[0].GroupAnnounce.IsAnnounce and not me.IsAdmin
    assert (await client.get_group_info(mine.JID)).GroupName.Name == "Grup Demo A"
    for target, text in ((left.JID, NOT_IN_GROUP), (jid("1203639", "g.us"), GROUP_NOT_FOUND)):
        with pytest.raises(GetGroupInfoError) as error:
            await client.get_group_info(target)
        assert str(error.value) == text
    await outcome(clock, client.send_message(mine.JID, "x"))
    assert not world.sent[0].shown  # acknowledged, never shown: announce-only, not admin


async def test_self_chat_and_contacts_look_like_whatsmeow_parses_them(
    world: WhatsAppSim, clock: VirtualClock
) -> None:
    client, seen = await connected(world, clock, MessageEv)
    world.self_chat("catatan")
    world.from_contact("halo", lid=CONTACT_LID, phone=CONTACT_PN)
    world.from_contact("tanpa nomor", lid="33333333333333")
    await clock.settle()
    mine, theirs, hidden = (event.Info.MessageSource for name, _, event in seen[1:])
    assert (mine.Chat.User, mine.Chat.Server, mine.Sender.User) == (world.lid, "lid", world.lid)
    assert mine.IsFromMe and mine.RecipientAlt.User == world.phone and mine.SenderAlt.User == ""
    assert (theirs.Chat.Server, theirs.Sender.User, theirs.SenderAlt.User) == (
        "lid",
        CONTACT_LID,
        CONTACT_PN,
    )
    assert not theirs.IsFromMe and hidden.SenderAlt.User == ""
    assert (await client.get_pn_from_lid(jid(CONTACT_LID, "lid"))).User == CONTACT_PN
    unknown = await client.get_pn_from_lid(jid("44444444444444", "lid"))
    assert unknown.User == "" and unknown.IsEmpty  # lidmap.go: empty JID, no error
    with pytest.raises(GetJIDFromStoreError) as error:
        await client.get_pn_from_lid(jid(CONTACT_PN))
    assert str(error.value) == (
        f"invalid GetPNForLID call with non-LID JID {CONTACT_PN}@s.whatsapp.net"
    )


async def test_offline_messages_arrive_in_order_after_the_reconnect(
    world: WhatsAppSim, clock: VirtualClock
) -> None:
    _, seen = await connected(world, clock, MessageEv, DisconnectedEv)
    world.network = "down"
    world.drop_connection()
    for text in ("satu", "dua", "tiga"):
        world.from_contact(text, lid=CONTACT_LID, phone=CONTACT_PN)
    await clock.advance(1)
    world.network = "up"
    await clock.advance(1)  # autoReconnect's second try is at 2 s
    assert [(n, at) for n, at, _ in seen] == [
        ("Connected", 0),
        ("Disconnected", 0),
        ("Connected", 2),
        ("Message", 2),
        ("Message", 2),
        ("Message", 2),
    ]
    assert [e.Message.conversation for n, _, e in seen if n == "Message"] == ["satu", "dua", "tiga"]


async def test_download_any(world: WhatsAppSim, clock: VirtualClock) -> None:
    client, _ = await connected(world, clock)
    fresh, old = world.photo(b"\xff\xd8fresh"), world.photo(b"\xff\xd8old")
    world.expired_media[old.imageMessage.directPath] = 410
    assert await client.download_any(fresh) == b"\xff\xd8fresh"
    with pytest.raises(DownloadError, match=f"^{download_error(410)}$"):
        await client.download_any(old)


# --- connection trouble ----------------------------------------------------------------------


async def test_auto_reconnect_waits_two_seconds_more_each_time(
    world: WhatsAppSim, clock: VirtualClock
) -> None:
    _, seen = await connected(world, clock, DisconnectedEv)
    world.network = "down"
    world.drop_connection()  # tries at 0, 2, 6, 12, 20...: AutoReconnectErrors x 2 s
    await clock.advance(7)
    world.network = "up"
    await clock.advance(4.9)
    assert [name for name, *_ in seen] == ["Connected", "Disconnected"]
    await clock.advance(0.1)
    assert [(name, at) for name, at, _ in seen][-1] == ("Connected", 12)


async def test_a_silent_outage_brings_keepalive_timeouts_then_a_reconnect_without_event(
    world: WhatsAppSim, clock: VirtualClock
) -> None:
    _, seen = await connected(world, clock, DisconnectedEv, KeepAliveTimeoutEv)
    world.network = "down"  # nobody closes the socket
    await clock.advance(215)
    timeouts = [(at, e.ErrorCount, e.LastSuccess) for n, at, e in seen if n == "KeepAliveTimeout"]
    assert timeouts == [(35 * k, k, int(START.timestamp())) for k in range(1, 7)]
    world.network = "up"
    await clock.advance(10)  # forced at 210 s; tries at 210 and 212 fail, 216 connects
    assert [(n, at) for n, at, _ in seen if n != "KeepAliveTimeout"] == [
        ("Connected", 0),
        ("Connected", 216),
    ]  # and never a Disconnected


@pytest.mark.parametrize(
    ("act", "expected"),
    [
        (
            lambda w: w.temporary_ban(101, 3600),
            [
                ("Disconnected", None),
                (
                    "TemporaryBan",
                    pb.TemporaryBan(Code=pb.TemporaryBan.SEND_TO_TOO_MANY_PEOPLE, Expire=3600),
                ),
            ],
        ),
        (lambda w: w.client_outdated(), [("Disconnected", None), ("ClientOutdated", None)]),
        (
            lambda w: w.logged_out(401),
            [("LoggedOut", pb.LoggedOut(OnConnect=False, Reason=pb.LOGGED_OUT))],
        ),
        (
            lambda w: w.logged_out(406),
            [
                ("Disconnected", None),
                ("LoggedOut", pb.LoggedOut(OnConnect=True, Reason=pb.UNKNOWN_LOGOUT)),
            ],
        ),
        (lambda w: w.stream_replaced(), [("StreamReplaced", None)]),
    ],
)
async def test_permanent_failures_end_auto_reconnect(
    world: WhatsAppSim, clock: VirtualClock, act: Any, expected: list[Any]
) -> None:
    _, seen = await connected(
        world,
        clock,
        DisconnectedEv,
        TemporaryBanEv,
        ClientOutdatedEv,
        LoggedOutEv,
        StreamReplacedEv,
    )
    act(world)
    await clock.advance(3600)
    got = [
        (name, event if expected_event is not None else None)
        for (name, _, event), (_, expected_event) in zip(seen[1:], expected, strict=False)
    ]
    assert got == expected and len(seen) == 1 + len(expected)  # no Connected again


async def test_a_ban_code_goneonize_cannot_encode_ends_the_go_call(
    world: WhatsAppSim, clock: VirtualClock
) -> None:
    client = world.factory(SESSION)
    record(client, clock, TemporaryBanEv)
    task = await client.connect()
    await clock.settle()
    world.temporary_ban(105, 60)
    error, _ = await outcome(clock, task)
    assert isinstance(error, NeonizeError)
    assert str(error) == "proto: required field neonize.TemporaryBan.Code not set"


# --- pairing ---------------------------------------------------------------------------------


async def test_scanning_the_qr_pairs_then_connects(world: WhatsAppSim, clock: VirtualClock) -> None:
    world.paired = False
    client = world.factory(SESSION)
    me_then: list[Any] = []

    async def on_pair(c: NewAClient, event: PairStatusEv) -> None:
        me_then.append(c.me)

    client.event(PairStatusEv)(on_pair)
    seen = record(client, clock, ConnectedEv)
    await client.connect()
    await clock.advance(30)
    assert me_then == [] and world.scan_qr()
    await clock.settle()
    assert me_then[0].JID.User == world.phone  # code 0 came before the queued PairSuccess
    assert [(n, at) for n, at, _ in seen] == [("Connected", 30)] and world.paired


async def test_pair_codes_only_during_the_qr_phase(world: WhatsAppSim, clock: VirtualClock) -> None:
    world.paired = False
    client = world.factory(SESSION)
    with pytest.raises(PairPhoneError) as error:
        await client.PairPhone(world.phone, True)
    assert str(error.value) == "client is nil"  # no Go client yet
    seen = record(client, clock, ConnectedEv)
    await client.connect()
    await clock.settle()
    first = await client.PairPhone(world.phone, True)
    latest = await client.PairPhone(world.phone, True)
    assert world.pair_codes == [first, latest] and first != latest
    assert re.fullmatch(r"[1-9A-HJ-NP-TV-Z]{4}-[1-9A-HJ-NP-TV-Z]{4}", latest)
    assert not world.enter_pair_code(first)  # pair-code.go keeps only the latest
    assert world.enter_pair_code(latest)
    await clock.settle()
    assert [name for name, *_ in seen] == ["Connected"]


async def test_get_me_without_a_go_client_is_a_panic(world: WhatsAppSim) -> None:
    client = world.factory(SESSION)
    with pytest.raises(GoPanic):
        await client.get_me()
    assert world.panics == [
        "GetMe: runtime error: invalid memory address or nil pointer dereference"
    ]
