"""`python -m bot doctor` (bot/transport/whatsapp/doctor.py) against the neonize/whatsmeow
simulator (tests/wasim) on a virtual clock, with a real bot.db where a destination is
needed. The session database is a file of our own plus injected `devices` (what neonize's
ClientFactory.get_all_devices_from_db would read from it): the simulator has no Go store.
The command line itself (real neonize, no network) is in tests/test_cli.py.
"""

from __future__ import annotations

import asyncio
import gc
import socket
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from neonize.proto.Neonize_pb2 import Device
from neonize.utils.jid import build_jid

from bot import exitcodes, runner
from bot.app import App
from bot.lockfile import AlreadyRunning, InstanceLock
from bot.settings import Settings
from bot.state import BotState, Destination, Key
from bot.store import Store
from bot.transport.whatsapp import doctor
from bot.transport.whatsapp.doctor import TEST_TEXT, Check, Options, diagnose, table
from bot.transport.whatsapp.reconnect import ReconnectPolicy
from bot.transport.whatsapp.transport import STOP_LIMIT_S, WhatsAppTransport
from tests.conftest import SATURDAY_EVENING
from tests.quick import quick_settings
from tests.vclock import VirtualClock
from tests.wasim import (
    DIAL_ERROR,
    GROUP_NOT_FOUND,
    NOT_IN_GROUP,
    WhatsAppSim,
    reset_event_loop,
    server_error,
)

BOT_PHONE, BOT_LID = "6281234567890", "98765432101234"  # the paired account
OWNER_PHONE = "6285711112222"  # owners mode: the owner's own number
ALL_CHECKS = ["session", "connected", "logged in", "account", "owners", "destination"]


class Devices:
    """Stands in for neonize's get_all_devices_from_db; records which file it was asked."""

    def __init__(self, *users: str) -> None:
        # get_all_devices_from_db builds each JID with build_jid(user, server)
        self.devices = [
            Device(JID=build_jid(user), PushName="Pemilik", Initialized=True) for user in users
        ]
        self.asked: list[str] = []

    def __call__(self, path: str) -> list[Device]:
        self.asked.append(path)
        return self.devices


def settings_for(tmp_path: Path, mode: str = "self") -> Settings:
    return Settings(data_dir=tmp_path / "data", owners=() if mode == "self" else (OWNER_PHONE,))


def session_file(settings: Settings) -> Path:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    path = settings.data_dir / "session.db"
    path.write_bytes(b"")
    return path


def group_jid(world: WhatsAppSim, name: str) -> str:
    info = next(g for g in world.groups if g.GroupName.Name == name)
    return f"{info.JID.User}@g.us"


async def set_destinations(settings: Settings, world: WhatsAppSim, *names: str) -> list[str]:
    """What /tujuan stores, written through the bot's own state and Store."""
    targets = [Destination(group_jid(world, name), name) for name in names]
    store = await Store.open(settings.db_path)
    try:
        state = await BotState.load(store, settings.timezone)
        await state.set_destinations(targets)
    finally:
        await store.close()
    return [t.jid for t in targets]


async def set_destination(settings: Settings, world: WhatsAppSim, name: str) -> str:
    return (await set_destinations(settings, world, name))[0]


async def run(
    world: WhatsAppSim,
    clock: VirtualClock,
    settings: Settings,
    options: Options | None = None,
    devices: Devices | None = None,
) -> list[Check]:
    return await clock.run(
        diagnose(
            settings,
            options or Options(),
            client_factory=world.factory,
            devices=devices or Devices(BOT_PHONE),
            sleep=clock.sleep,
        )
    )


def by_name(checks: list[Check]) -> dict[str, Check]:
    return {c.name: c for c in checks}


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock(SATURDAY_EVENING)


@pytest.fixture
async def world(clock: VirtualClock) -> AsyncIterator[WhatsAppSim]:
    """The simulator; at the end, nothing may have reached the loop's exception handler
    (e.g. "Task exception was never retrieved" for a Go call nobody read)."""
    loop = asyncio.get_running_loop()
    reported: list[str] = []
    loop.set_exception_handler(lambda _, context: reported.append(context["message"]))
    reset_event_loop()
    sim = WhatsAppSim(clock, phone=BOT_PHONE, lid=BOT_LID)
    sim.add_group("Grup Pengumuman", announce=True, admin=True)
    sim.add_group("Arisan RT 05", admin=False)
    try:
        yield sim
    finally:
        await sim.aclose()
        reset_event_loop()
        gc.collect()  # finalizes finished tasks: an unread exception is reported now
        loop.set_exception_handler(None)
    assert reported == []


@pytest.fixture
async def paired(tmp_path: Path, world: WhatsAppSim) -> Settings:
    """Self mode, a stored session, "Grup Pengumuman" chosen with /tujuan."""
    settings = settings_for(tmp_path)
    session_file(settings)
    await set_destination(settings, world, "Grup Pengumuman")
    return settings


# --- all pass ------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["self", "owners"])
async def test_a_working_setup_passes_every_check(
    tmp_path: Path, world: WhatsAppSim, clock: VirtualClock, mode: str
) -> None:
    settings = settings_for(tmp_path, mode)
    session = session_file(settings)
    await set_destination(settings, world, "Grup Pengumuman")
    devices = Devices(BOT_PHONE)
    checks = await run(world, clock, settings, devices=devices)
    assert [c.name for c in checks] == ALL_CHECKS
    assert [c.name for c in checks if not c.ok] == []
    found = by_name(checks)
    assert devices.asked == [str(session)]
    assert found["session"].detail == f"{session}: paired as {BOT_PHONE}"
    assert found["connected"].detail == "connected to WhatsApp"
    assert found["account"].detail == f"phone {BOT_PHONE}, LID {BOT_LID}"
    owners = found["owners"].detail
    if mode == "self":
        assert owners.startswith(f"self mode: commands only in {BOT_PHONE}'s own chat")
        assert "JADWAL_OWNERS is recommended" in owners
    else:
        assert owners == (
            f"JADWAL_OWNERS: {OWNER_PHONE} (commands from their private chat with this number)"
        )
    assert found["destination"].detail == "Grup Pengumuman: admin, can post"
    assert world.sent == []  # nothing is sent without --send / --send-group
    # one connection, stopped at the end by Go Stop (never by cancelling the task)
    assert world.connect_calls == 1 and world.live_calls == 0
    assert world.orphaned_calls == 0 and world.loop_freezes == []


async def test_a_plain_member_of_an_open_group_passes(
    world: WhatsAppSim, clock: VirtualClock, paired: Settings
) -> None:
    await set_destination(paired, world, "Arisan RT 05")
    found = by_name(await run(world, clock, paired))
    assert found["destination"] == Check("destination", True, "Arisan RT 05: member, can post")


async def test_the_destination_set_by_the_running_bot_is_the_one_checked(
    tmp_path: Path, world: WhatsAppSim, clock: VirtualClock
) -> None:
    """The real App writes bot.db through /tujuan; doctor reads that file after it stopped."""
    settings = quick_settings(data_dir=tmp_path / "data")
    transport = WhatsAppTransport(
        settings.data_dir,
        settings.timezone,
        settings.owners,
        policy=ReconnectPolicy(jitter=0),
        client_factory=world.factory,
        probe=_reachable,
        clock=clock,
        sleep=clock.sleep,
    )
    app = App(settings, transport, clock)
    await app.start()
    await clock.settle()
    world.self_chat("/tujuan 1")  # groups by name: 1 is "Arisan RT 05"
    await clock.advance(2)
    await clock.run(app.stop(), limit_s=60)
    session_file(settings)
    found = by_name(await run(world, clock, settings))
    assert found["destination"] == Check("destination", True, "Arisan RT 05: member, can post")
    assert world.orphaned_calls == 0 and world.live_calls == 0


async def _reachable() -> None:
    return None


# --- test messages -------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["self", "owners"])
@pytest.mark.parametrize(("send", "send_group"), [(True, False), (False, True), (True, True)])
async def test_send_options_send_exactly_one_test_message_each(
    tmp_path: Path, world: WhatsAppSim, clock: VirtualClock, mode: str, send: bool, send_group: bool
) -> None:
    settings = settings_for(tmp_path, mode)
    session_file(settings)
    group = await set_destination(settings, world, "Grup Pengumuman")
    checks = await run(world, clock, settings, Options(send=send, send_group=send_group))
    owner_chat = f"{BOT_PHONE if mode == 'self' else OWNER_PHONE}@s.whatsapp.net"
    expected = [owner_chat] * send + [group] * send_group
    assert [(s.to, s.kind, s.text) for s in world.sent] == [
        (to, "text", TEST_TEXT) for to in expected
    ]
    assert all(s.shown for s in world.sent)
    names = ["send to owner"] * send + ["send to group"] * send_group
    assert [c.name for c in checks] == ALL_CHECKS + names
    sends = checks[len(ALL_CHECKS) :]
    assert [c.detail for c in sends] == [
        f"{s.to}: sent (id {s.id}); look for it on the phone" for s in world.sent
    ]
    assert all(c.ok for c in checks)
    assert world.live_calls == 0


async def test_a_refused_test_message_fails_with_whatsapps_reason(
    world: WhatsAppSim, clock: VirtualClock, paired: Settings
) -> None:
    world.fail_next_send(server_error(479))
    found = by_name(await run(world, clock, paired, Options(send=True)))
    assert found["send to owner"] == Check(
        "send to owner", False, f"{BOT_PHONE}@s.whatsapp.net: {server_error(479)}"
    )
    assert world.sent == []


async def test_send_group_sends_nothing_to_a_group_that_would_not_show_it(
    world: WhatsAppSim, clock: VirtualClock, paired: Settings
) -> None:
    world.add_group("Info Sekolah", announce=True, admin=False)
    await set_destination(paired, world, "Info Sekolah")
    found = by_name(await run(world, clock, paired, Options(send_group=True)))
    assert found["send to group"] == Check("send to group", False, "skipped: no usable group")
    assert world.sent == []


# --- not paired ----------------------------------------------------------------------------


async def test_without_a_session_file_it_fails_before_connecting(
    tmp_path: Path, world: WhatsAppSim, clock: VirtualClock
) -> None:
    settings = settings_for(tmp_path)
    devices = Devices(BOT_PHONE)
    checks = await run(world, clock, settings, Options(send=True), devices=devices)
    session = settings.data_dir / "session.db"
    assert checks == [
        Check("session", False, f"no {session}: pair first with `python -m bot run`"),
        Check("connected", False, "skipped: not paired"),
    ]
    assert world.connect_calls == 0 and devices.asked == []
    assert not session.exists()  # looking never creates one (neonize would)


@pytest.mark.parametrize("devices", [Devices(), Devices("")], ids=["no device", "empty JID"])
async def test_a_session_without_a_device_fails_before_connecting(
    tmp_path: Path, world: WhatsAppSim, clock: VirtualClock, devices: Devices
) -> None:
    settings = settings_for(tmp_path)
    session = session_file(settings)
    checks = await run(world, clock, settings, devices=devices)
    assert checks == [
        Check(
            "session",
            False,
            f"{session} holds no paired device (logged out?): pair again with `python -m bot run`",
        ),
        Check("connected", False, "skipped: not paired"),
    ]
    assert devices.asked == [str(session)] and world.connect_calls == 0


# --- connecting ----------------------------------------------------------------------------


async def test_network_down_fails_with_the_dial_error_and_leaves_no_call(
    world: WhatsAppSim, clock: VirtualClock, paired: Settings
) -> None:
    world.network = "down"
    checks = await run(world, clock, paired, Options(send=True, send_group=True))
    assert [c.name for c in checks] == ["session", "connected"]
    assert checks[1] == Check("connected", False, f"connect failed: {DIAL_ERROR}")
    assert world.connect_calls == 1 and world.live_calls == 0 and world.orphaned_calls == 0
    assert world.sent == []


async def test_no_answer_within_the_timeout_fails_then_the_call_is_stopped(
    world: WhatsAppSim, clock: VirtualClock, paired: Settings
) -> None:
    """A host that takes the TCP connection and never answers: whatsmeow gives up after
    ~14 s, doctor after --timeout 10; its Go Stop waits for the dial (socketLock) and the
    call ends within STOP_LIMIT_S of it."""
    world.network = "hang"
    checks = await run(world, clock, paired, Options(timeout_s=10))
    assert checks[1:] == [Check("connected", False, "no answer from WhatsApp within 10 s")]
    assert world.dial_timeout_s - 10 <= STOP_LIMIT_S
    assert clock.elapsed == world.dial_timeout_s  # returned as soon as the call ended
    assert world.live_calls == 0 and world.orphaned_calls == 0 and world.connect_calls == 1
    assert world.loop_freezes == []  # Go Stop ran on a worker thread, not on the loop


async def test_a_dial_that_outlasts_the_stop_limit_is_left_behind_not_waited_for(
    world: WhatsAppSim, clock: VirtualClock, paired: Settings
) -> None:
    world.network = "hang"
    world.dial_timeout_s = 600
    checks = await run(world, clock, paired, Options(timeout_s=10))
    assert checks[1] == Check("connected", False, "no answer from WhatsApp within 10 s")
    assert clock.elapsed == 10 + STOP_LIMIT_S
    assert world.live_calls == 1  # still dialling: run_doctor's exit does not wait for it
    await clock.advance(600)
    # the Stop went through once the dial let go: no second call, none orphaned
    assert world.live_calls == 0 and world.orphaned_calls == 0 and world.connect_calls == 1


async def test_a_session_whatsapp_wants_paired_again_fails_without_pairing(
    world: WhatsAppSim, clock: VirtualClock, paired: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    """The session file lists a device but whatsmeow finds none to log in with: it offers QR
    codes. Doctor never pairs: no QR is shown (neonize's default handler prints one)."""
    world.paired = False
    checks = await run(world, clock, paired, Options(timeout_s=10))
    assert checks[1:] == [
        Check("connected", False, "WhatsApp asks to pair: the session is not logged in")
    ]
    assert capsys.readouterr().out == "" and world.pair_codes == []
    # whatsmeow's QR loop never ends once stopped: doctor waits STOP_LIMIT_S for it, no more
    assert clock.elapsed == STOP_LIMIT_S and world.stuck_calls == 1
    assert world.connect_calls == 1 and world.orphaned_calls == 0


@pytest.mark.parametrize("reason", [401, 403, 406])
async def test_logged_out_while_connecting_fails_with_the_reason(
    world: WhatsAppSim, clock: VirtualClock, paired: Settings, reason: int
) -> None:
    world.logged_out(reason)  # the phone unlinked this device while the bot was stopped
    checks = await run(world, clock, paired, Options(send=True))
    assert checks[1:] == [Check("connected", False, "logged out by WhatsApp: re-pair (README)")]
    assert world.live_calls == 0 and world.sent == []


async def test_an_outdated_client_fails_with_the_reason(
    world: WhatsAppSim, clock: VirtualClock, paired: Settings
) -> None:
    world.client_outdated()
    checks = await run(world, clock, paired)
    assert checks[1:] == [
        Check("connected", False, "client outdated: upgrade neonize (README, exit 12)")
    ]
    assert world.live_calls == 0


async def test_a_temporary_ban_fails_with_the_reason(
    world: WhatsAppSim, clock: VirtualClock, paired: Settings
) -> None:
    world.temporary_ban(101, 3600)
    checks = await run(world, clock, paired)
    assert checks[1:] == [Check("connected", False, "temporarily banned by WhatsApp")]
    assert world.live_calls == 0


async def test_a_go_call_that_ends_before_any_event_fails_with_its_error(
    world: WhatsAppSim, clock: VirtualClock, paired: Settings
) -> None:
    """A ban code goneonize cannot encode: proto.Marshal fails and Neonize() returns that."""
    world.temporary_ban(105, 3600)
    checks = await run(world, clock, paired)
    assert checks[1].name == "connected" and not checks[1].ok
    assert checks[1].detail.startswith("connect failed: proto: required field")
    assert len(checks) == 2 and world.live_calls == 0


# --- destination ---------------------------------------------------------------------------


@pytest.mark.parametrize("with_db", [False, True], ids=["no bot.db", "bot.db without one"])
async def test_no_destination_fails_with_tujuan_advice(
    tmp_path: Path, world: WhatsAppSim, clock: VirtualClock, with_db: bool
) -> None:
    settings = settings_for(tmp_path)
    session_file(settings)
    if with_db:
        store = await Store.open(settings.db_path)
        await store.set_settings({Key.TIMEZONE: "Asia/Makassar"})
        await store.close()
    found = by_name(await run(world, clock, settings, Options(send_group=True)))
    assert found["destination"] == Check(
        "destination", False, "no destination group: send /tujuan to the bot"
    )
    assert found["send to group"].ok is False and world.sent == []
    assert found["account"].ok  # the rest still ran


async def test_every_default_group_is_checked_and_only_usable_ones_get_a_test_message(
    world: WhatsAppSim, clock: VirtualClock, paired: Settings
) -> None:
    world.add_group("Info Sekolah", announce=True, admin=False)
    first, _, third = await set_destinations(
        paired, world, "Arisan RT 05", "Info Sekolah", "Grup Pengumuman"
    )
    checks = await run(world, clock, paired, Options(send_group=True))
    assert [c for c in checks if c.name == "destination"] == [
        Check("destination", True, "Arisan RT 05: member, can post"),
        Check(
            "destination",
            False,
            "Info Sekolah: only admins may send there and this account is not one "
            "(posts may be accepted and never shown)",
        ),
        Check("destination", True, "Grup Pengumuman: admin, can post"),
    ]
    assert [c.name for c in checks[-2:]] == ["send to group"] * 2
    assert [s.to for s in world.sent] == [first, third]


async def test_the_destination_of_an_older_database_is_checked(
    tmp_path: Path, world: WhatsAppSim, clock: VirtualClock
) -> None:
    settings = settings_for(tmp_path)
    session_file(settings)
    store = await Store.open(settings.db_path)
    try:
        await store.set_settings(
            {
                Key.OLD_DESTINATION: group_jid(world, "Arisan RT 05"),
                Key.OLD_DESTINATION_NAME: "Arisan RT 05",
            }
        )
    finally:
        await store.close()
    found = by_name(await run(world, clock, settings))
    assert found["destination"] == Check("destination", True, "Arisan RT 05: member, can post")


async def test_a_group_the_account_left_fails(
    world: WhatsAppSim, clock: VirtualClock, paired: Settings
) -> None:
    world.add_group("Grup Lama", member=False)
    await set_destination(paired, world, "Grup Lama")
    found = by_name(await run(world, clock, paired))
    assert found["destination"] == Check("destination", False, f"Grup Lama: {NOT_IN_GROUP}")


async def test_a_deleted_group_fails(
    world: WhatsAppSim, clock: VirtualClock, paired: Settings
) -> None:
    world.add_group("Grup Hilang")
    await set_destination(paired, world, "Grup Hilang")
    world.groups.pop()
    found = by_name(await run(world, clock, paired))
    assert found["destination"] == Check("destination", False, f"Grup Hilang: {GROUP_NOT_FOUND}")


async def test_an_announcement_group_where_the_account_is_no_admin_fails(
    world: WhatsAppSim, clock: VirtualClock, paired: Settings
) -> None:
    world.add_group("Info Sekolah", announce=True, admin=False)
    await set_destination(paired, world, "Info Sekolah")
    found = by_name(await run(world, clock, paired))
    assert found["destination"] == Check(
        "destination",
        False,
        "Info Sekolah: only admins may send there and this account is "
        "not one (posts may be accepted and never shown)",
    )


async def test_a_community_parent_fails(
    world: WhatsAppSim, clock: VirtualClock, paired: Settings
) -> None:
    world.add_group("Komunitas Induk", parent=True)
    await set_destination(paired, world, "Komunitas Induk")
    found = by_name(await run(world, clock, paired))
    assert found["destination"] == Check(
        "destination",
        False,
        "Komunitas Induk is a community, not a group: pick one of its "
        "groups with /grup and /tujuan",
    )


# --- the table -----------------------------------------------------------------------------


def test_the_table_has_one_line_per_check_and_a_verdict() -> None:
    checks = [
        Check("session", True, "data/session.db: paired as 6281234567890"),
        Check("send to owner", False, "x@s.whatsapp.net: boom"),
    ]
    assert table(checks) == (
        "jadwal-bot doctor\n"
        "PASS  session        data/session.db: paired as 6281234567890\n"
        "FAIL  send to owner  x@s.whatsapp.net: boom\n"
        "1 check(s) failed"
    )
    assert table(checks[:1]).splitlines()[-1] == "all checks passed"


async def test_the_table_of_a_passing_run(
    world: WhatsAppSim, clock: VirtualClock, paired: Settings
) -> None:
    lines = table(await run(world, clock, paired, Options(send=True))).splitlines()
    assert lines[0] == "jadwal-bot doctor"
    assert [line[:6] + line[6:19].rstrip() for line in lines[1:-1]] == [
        f"PASS  {name}" for name in [*ALL_CHECKS, "send to owner"]
    ]
    assert lines[-1] == "all checks passed"


# --- run_doctor: lock and exit code (the command line itself: tests/test_cli.py) -------------


@pytest.fixture
def in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """run_doctor without what would touch the test process itself: the one-time re-exec,
    the global umask, loguru's sinks, and the hard exit for stuck threads."""
    monkeypatch.setattr(runner, "_library_env", lambda _: None)
    monkeypatch.setattr(
        runner, "secure_data_dir", lambda s: s.data_dir.mkdir(parents=True, exist_ok=True)
    )
    monkeypatch.setattr(runner, "setup_logging", lambda *_, **__: None)
    monkeypatch.setattr(runner, "exit_if_threads_stuck", lambda _: None)


def simulated(monkeypatch: pytest.MonkeyPatch, prepare: str) -> None:
    """run_doctor's diagnose, on a simulator made inside run_doctor's own loop."""
    real = doctor.diagnose

    async def diagnose_on_sim(settings: Settings, options: Options) -> list[Check]:
        clock = VirtualClock(SATURDAY_EVENING)
        reset_event_loop()
        world = WhatsAppSim(clock, phone=BOT_PHONE, lid=BOT_LID)
        world.add_group("Grup Pengumuman")
        if prepare == "down":
            world.network = "down"
        try:
            await set_destination(settings, world, "Grup Pengumuman")
            # the lock is held while it runs
            with pytest.raises(AlreadyRunning):
                InstanceLock(settings.data_dir / "bot.lock").acquire()
            return await clock.run(
                real(settings, options, world.factory, Devices(BOT_PHONE), clock.sleep)
            )
        finally:
            await world.aclose()
            reset_event_loop()

    monkeypatch.setattr(doctor, "diagnose", diagnose_on_sim)


@pytest.mark.parametrize(
    ("prepare", "code", "verdict"),
    [
        ("up", exitcodes.OK, "all checks passed"),
        ("down", exitcodes.ERROR, "1 check(s) failed"),
        ("api port taken", exitcodes.ERROR, "1 check(s) failed"),
    ],
)
def test_run_doctor_prints_the_table_and_exits_0_only_when_all_pass(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    in_process: None,
    prepare: str,
    code: int,
    verdict: str,
) -> None:
    settings = settings_for(tmp_path)
    session_file(settings)
    simulated(monkeypatch, "down" if prepare == "down" else "up")
    with socket.create_server(("127.0.0.1", 0)) as taken:
        if prepare == "api port taken":
            settings = replace(settings, api_listen=("127.0.0.1", taken.getsockname()[1]))
        assert runner.run_doctor(settings, send=False, send_group=False, timeout_s=5) == code
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "jadwal-bot doctor" and out[-1] == verdict
    # The table ends with the HTTP API's check.
    assert out[-2].startswith("FAIL  http api" if prepare == "api port taken" else "PASS  http api")
    with InstanceLock(settings.data_dir / "bot.lock"):  # released again
        pass


def test_run_doctor_refuses_while_the_bot_runs(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    in_process: None,
) -> None:
    settings = settings_for(tmp_path)
    ran: list[Settings] = []

    async def never(settings: Settings, _: Options) -> list[Check]:
        ran.append(settings)
        return []

    monkeypatch.setattr(doctor, "diagnose", never)
    with InstanceLock(settings.data_dir / "bot.lock"):
        code = runner.run_doctor(settings, send=True, send_group=False, timeout_s=5)
    assert code == exitcodes.ALREADY_RUNNING and ran == []
    captured = capsys.readouterr()
    assert captured.out == "" and "Stop it first" in captured.err


async def test_the_session_line_names_the_phone_without_the_device_number(
    tmp_path: Path, world: WhatsAppSim, clock: VirtualClock
) -> None:
    """goneonize GetAllDevices returns device.ID.String(), "user:device@server", and neonize's
    get_all_devices_from_db keeps "user:device" as the JID's User."""
    settings = settings_for(tmp_path)
    session = session_file(settings)
    checks = await run(world, clock, settings, devices=Devices(f"{BOT_PHONE}:7"))
    assert by_name(checks)["session"] == Check("session", True, f"{session}: paired as {BOT_PHONE}")


async def test_a_session_file_goneonize_cannot_read_fails_without_a_traceback(
    tmp_path: Path, world: WhatsAppSim, clock: VirtualClock
) -> None:
    """goneonize GetAllDevices answers "error: ..." as if it were the device list; neonize's
    parser then fails to unpack it."""
    settings = settings_for(tmp_path)
    session = session_file(settings)

    class Unreadable(Devices):
        def __call__(self, path: str) -> list[Device]:
            raise ValueError("not enough values to unpack (expected 4, got 1)")

    checks = await run(world, clock, settings, devices=Unreadable())
    assert not by_name(checks)["session"].ok
    assert f"{session} cannot be read" in by_name(checks)["session"].detail
    assert world.connect_calls == 0


# --- the HTTP API's address ----------------------------------------------------------------


def test_doctor_says_the_api_is_off_when_no_address_is_set(tmp_path: Path) -> None:
    assert doctor.api_check(settings_for(tmp_path)) == Check(
        "http api", True, "off (JADWAL_API_LISTEN not set)"
    )


def test_doctor_fails_the_api_check_when_its_port_is_taken_and_passes_it_when_free(
    tmp_path: Path,
) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        settings = replace(settings_for(tmp_path), api_listen=("127.0.0.1", port))
        busy = doctor.api_check(settings)
    assert (busy.name, busy.ok) == ("http api", False)
    assert busy.detail.startswith(f"127.0.0.1:{port}: cannot listen (Address already in use)")
    free = doctor.api_check(replace(settings, api_token="t" * 32))
    assert free == Check("http api", True, f"127.0.0.1:{port}: free; token set")
