"""`python -m bot doctor`: after pairing, check everything a real WhatsApp setup needs and
show it as a table; exit 0 only when every check passes.

It needs the session to itself (a second connection would replace the running bot's:
whatsmeow StreamReplaced), so the command refuses to run while the bot holds its lock.
It never pairs: without a stored device it stops before connecting.
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loguru import logger
from neonize.aioze.events import (
    ClientOutdatedEv,
    ConnectedEv,
    ConnectFailureEv,
    LoggedOutEv,
    StreamReplacedEv,
    TemporaryBanEv,
)
from neonize.proto.Neonize_pb2 import ConnectFailureReason, Device

from bot.dbpeek import stored_settings
from bot.settings import Settings
from bot.state import stored_destinations
from bot.transport.whatsapp.groups import to_group
from bot.transport.whatsapp.inbound import Identity, owner_chat
from bot.transport.whatsapp.reconnect import Sleep
from bot.transport.whatsapp.transport import STOP_LIMIT_S, go_stop, to_jid
from bot.waiting import all_done, any_done

TEST_TEXT = "jadwal-bot doctor: pesan uji. Jika ini terlihat, bot bisa mengirim ke sini."


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class Options:
    send: bool = False  # a test message to the owner chat
    send_group: bool = False  # a test message to each destination group
    timeout_s: float = 30.0


Devices = Callable[[str], list[Device]]

NO_DESTINATION = Check("destination", False, "no destination group: send /tujuan to the bot")


def _devices_in_session(path: str) -> list[Device]:
    """Devices stored in the session DB, read by goneonize without connecting
    (aioze/client.py ClientFactory.get_all_devices_from_db, Go `GetAllDevices`)."""
    from neonize.aioze.client import ClientFactory

    return ClientFactory.get_all_devices_from_db(path)


def api_check(settings: Settings) -> Check:
    """Whether the HTTP API (JADWAL_API_LISTEN) can listen where it is set to: the bot is
    stopped while doctor runs, so the address must be free now (the settings themselves,
    a token for a non-loopback address among them, were checked when they were read)."""
    if settings.api_listen is None:
        return Check("http api", True, "off (JADWAL_API_LISTEN not set)")
    host, port = settings.api_listen
    shown = f"{host}:{port}"
    try:
        socket.create_server((host, port)).close()
    except OSError as exc:
        # os.strerror: create_server adds the address to the error's own text.
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        return Check(
            "http api",
            False,
            f"{shown}: cannot listen ({reason}); stop what uses that port or choose another",
        )
    token = "token set" if settings.api_token else "no token (loopback: open to this machine)"
    return Check("http api", True, f"{shown}: free; {token}")


def _default_client(session_path: str) -> Any:
    from bot.transport.whatsapp.neonize_env import new_client

    return new_client(session_path)


async def diagnose(
    settings: Settings,
    options: Options,
    client_factory: Callable[[str], Any] = _default_client,
    devices: Devices = _devices_in_session,
    sleep: Sleep = asyncio.sleep,
) -> list[Check]:
    checks: list[Check] = []
    session = settings.data_dir / "session.db"
    paired = await asyncio.to_thread(_session, session, devices)
    checks.append(paired)
    if not paired.ok:
        return [*checks, Check("connected", False, "skipped: not paired")]
    client = client_factory(str(session))
    outcome: asyncio.Queue[str | None] = asyncio.Queue()
    _watch(client, outcome)
    call = await client.connect()
    call.add_done_callback(_call_ended)
    try:
        checks += await _connected(client, call, outcome, options.timeout_s, sleep)
        if not checks[-1].ok:
            return checks
        identity = Identity()
        await identity.load_from(client)
        checks.append(
            Check(
                "account",
                bool(identity.phone),
                f"phone {identity.phone or '?'}, LID {identity.lid or '?'}",
            )
        )
        checks.append(_owner_mode(settings, identity))
        targets = stored_destinations(stored_settings(settings.db_path))
        groups = [await _destination(client, t.jid, t.name, identity) for t in targets]
        checks += groups or [NO_DESTINATION]
        if options.send:
            checks.append(
                await _send(client, "send to owner", owner_chat(settings.owners, identity))
            )
        if options.send_group:
            usable = [t.jid for t, group in zip(targets, groups, strict=True) if group.ok]
            checks += [await _send(client, "send to group", jid) for jid in usable] or [
                Check("send to group", False, "skipped: no usable group")
            ]
        return checks
    finally:
        await _stop(client, call, sleep)


def _session(path: Path, devices: Devices) -> Check:
    if not path.is_file():
        return Check("session", False, f"no {path}: pair first with `python -m bot run`")
    try:
        found = [d for d in devices(str(path)) if d.JID.User]
    except Exception as exc:  # goneonize answers "error: ..." that neonize cannot parse
        return Check(
            "session",
            False,
            f"{path} cannot be read ({exc}): is it a WhatsApp session? Restore it or pair again",
        )
    if not found:
        return Check(
            "session",
            False,
            f"{path} holds no paired device (logged out?): pair again with `python -m bot run`",
        )
    # goneonize GetAllDevices gives device.ID.String(), "user:device@server"; neonize's
    # get_all_devices_from_db keeps ":device" in User.
    return Check("session", True, f"{path}: paired as {found[0].JID.User.split(':')[0]}")


def _watch(client: Any, outcome: asyncio.Queue[str | None]) -> None:
    async def connected(_: Any, __: ConnectedEv) -> None:
        outcome.put_nowait(None)

    def failed(why: str) -> Callable[[Any, Any], Awaitable[None]]:
        async def handler(_: Any, __: Any) -> None:
            outcome.put_nowait(why)

        return handler

    async def qr(_: Any, __: bytes) -> None:
        outcome.put_nowait("WhatsApp asks to pair: the session is not logged in")

    client.event(ConnectedEv)(connected)
    client.event(LoggedOutEv)(failed("logged out by WhatsApp: re-pair (README)"))
    client.event(StreamReplacedEv)(failed("another client took this session"))
    client.event(TemporaryBanEv)(failed("temporarily banned by WhatsApp"))
    client.event(ClientOutdatedEv)(failed("client outdated: upgrade neonize (README, exit 12)"))

    async def refused(_: Any, event: ConnectFailureEv) -> None:
        # the reasons whatsmeow does not turn into their own events (400, 409, 501, ...)
        reason = ConnectFailureReason.Name(event.Reason) if event.Reason else "unknown"
        outcome.put_nowait(
            f"WhatsApp refused the connection ({reason}"
            + (f": {event.Message})" if event.Message else ")")
        )

    client.event(ConnectFailureEv)(refused)
    client.qr(qr)


async def _connected(
    client: Any,
    call: asyncio.Future[Any],
    outcome: asyncio.Queue[str | None],
    timeout_s: float,
    sleep: Sleep,
) -> list[Check]:
    waiter = asyncio.ensure_future(outcome.get())
    await any_done(sleep, timeout_s, waiter, call)
    if waiter.done():
        problem = waiter.result()
    else:
        waiter.cancel()
        if not call.done():
            problem = f"no answer from WhatsApp within {timeout_s:g} s"
        elif not call.cancelled() and call.exception() is not None:
            problem = f"connect failed: {call.exception()}"
        else:
            problem = "the WhatsApp client stopped before connecting"
    if problem is not None:
        return [Check("connected", False, problem)]
    logged_in = bool(await client.is_logged_in)
    connected = bool(await client.is_connected)
    return [
        Check(
            "connected",
            connected,
            "connected to WhatsApp" if connected else "the socket closed right after connecting",
        ),
        Check("logged in", logged_in, "logged in" if logged_in else "not logged in"),
    ]


def _call_ended(call: asyncio.Future[Any]) -> None:
    """Read how the Go call ended, whenever it does: a call stopped after the timeout ends
    with whatsmeow's dial error later, and an unread one is reported by asyncio as "Task
    exception was never retrieved", with a traceback, under the table."""
    if not call.cancelled() and call.exception() is not None:
        logger.debug("the WhatsApp call ended with {}", call.exception())


def _owner_mode(settings: Settings, identity: Identity) -> Check:
    if settings.owners:
        return Check(
            "owners",
            True,
            "JADWAL_OWNERS: "
            + ", ".join(settings.owners)
            + " (commands from their private chat with this number)",
        )
    return Check(
        "owners",
        True,
        f"self mode: commands only in {identity.phone}'s own chat "
        "(Message yourself); replies there may not notify. A dedicated number with "
        "JADWAL_OWNERS is recommended",
    )


async def _destination(client: Any, jid: str, name: str, identity: Identity) -> Check:
    try:
        info = await client.get_group_info(to_jid(jid))
    except Exception as exc:  # GetGroupInfoError: not a member, or the group is gone
        return Check("destination", False, f"{name}: {exc}")
    group = to_group(info, identity.phone, identity.lid)
    if group is None:
        return Check(
            "destination",
            False,
            f"{name} is a community, not a group: pick one of its groups with /grup and /tujuan",
        )
    if group.admin_only:
        return Check(
            "destination",
            False,
            f"{group.name}: only admins may send there and "
            "this account is not one (posts may be accepted and never shown)",
        )
    role = "admin" if group.admin else "member"
    return Check("destination", True, f"{group.name}: {role}, can post")


async def _send(client: Any, name: str, chat: str) -> Check:
    try:
        response = await client.send_message(to_jid(chat), TEST_TEXT)
    except Exception as exc:
        return Check(name, False, f"{chat}: {exc}")
    return Check(name, True, f"{chat}: sent (id {response.ID}); look for it on the phone")


async def _stop(client: Any, call: asyncio.Future[Any], sleep: Sleep) -> None:
    """Stop the Go call like the transport does (never by cancelling its task)."""
    if not call.done():
        await all_done(sleep, STOP_LIMIT_S, asyncio.ensure_future(go_stop(client)), call)


def table(checks: list[Check]) -> str:
    width = max(len(c.name) for c in checks)
    lines = [f"{'PASS' if c.ok else 'FAIL'}  {c.name:<{width}}  {c.detail}" for c in checks]
    verdict = (
        "all checks passed"
        if all(c.ok for c in checks)
        else f"{sum(not c.ok for c in checks)} check(s) failed"
    )
    return "\n".join(["jadwal-bot doctor", *lines, verdict])
