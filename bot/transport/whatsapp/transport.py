"""The real transport: WhatsApp through neonize's async client (whatsmeow underneath).

neonize facts this module is built around (measured on neonize 0.5.2):
- the event loop is captured once per process in neonize.aioze.events.event_global_loop;
  it is reset here so that a client created in a new loop gets its events;
- exceptions raised in an event handler vanish silently: every handler is wrapped;
- connect() returns a task at once; a failed first connect is not retried by whatsmeow,
  so bot.transport.whatsapp.reconnect drives the attempts.
"""

from __future__ import annotations

import asyncio
import collections
import functools
import sys
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import segno
from loguru import logger
from neonize.aioze import events as neonize_events
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
    StreamErrorEv,
    StreamReplacedEv,
    TemporaryBanEv,
)
from neonize.exc import NeonizeError
from neonize.proto.Neonize_pb2 import JID, ConnectFailureReason, PairStatus, TemporaryBan
from neonize.utils.jid import build_jid

from bot import messages as m
from bot.models import Group, IncomingMessage, SentMessage
from bot.transport.base import ConnectionState, MessageHandler, TransportError
from bot.transport.whatsapp.convert import jid_text, to_incoming
from bot.transport.whatsapp.errors import send_error
from bot.transport.whatsapp.linkstate import LinkStatus, Phase
from bot.transport.whatsapp.netprobe import whatsapp_reachable
from bot.transport.whatsapp.reconnect import (
    DEFAULT_POLICY,
    Kind,
    LinkEvent,
    ReconnectPolicy,
    maintain_connection,
)

E = TypeVar("E")
ClientFactory = Callable[[str], NewAClient]

_LOGGED_OUT = {ConnectFailureReason.LOGGED_OUT, ConnectFailureReason.MAIN_DEVICE_GONE,
               ConnectFailureReason.UNKNOWN_LOGOUT}
_OUTDATED = {ConnectFailureReason.CLIENT_OUTDATED, ConnectFailureReason.BAD_USER_AGENT}
_RETRYABLE = {ConnectFailureReason.INTERNAL_SERVER_ERROR,
              ConnectFailureReason.SERVICE_UNAVAILABLE}
# A ban reported as a connect failure carries no expiry: wait an hour, then try.
_BAN_WITHOUT_EXPIRY_S = 3600
_ECHO_MEMORY = 1000


def _guarded(handler: Callable[[Any, E], Coroutine[Any, Any, None]]
             ) -> Callable[[Any, E], Coroutine[Any, Any, None]]:
    """neonize drops handler exceptions silently; log them and keep the bot running."""

    @functools.wraps(handler)
    async def wrapper(client: Any, event: E) -> None:
        try:
            await handler(client, event)
        except Exception:
            logger.exception("WhatsApp event handler {} failed", handler.__name__)

    return wrapper


def to_jid(chat: str) -> JID:
    user, _, server = chat.partition("@")
    return build_jid(user, server or "s.whatsapp.net")


class WhatsAppTransport:
    def __init__(self, data_dir: Path, tz: ZoneInfo, owners: tuple[str, ...] = (),
                 pair_phone: str | None = None,
                 policy: ReconnectPolicy = DEFAULT_POLICY,
                 client_factory: ClientFactory = NewAClient,
                 probe: Callable[[], Awaitable[str | None]] = whatsapp_reachable) -> None:
        self._data_dir = data_dir
        self._tz = tz
        self._owners = owners
        self._pair_phone = pair_phone
        self._policy = policy
        self._client_factory = client_factory
        self._probe = probe
        self.status = LinkStatus()
        self.events: asyncio.Queue[LinkEvent] = asyncio.Queue()
        self._client: NewAClient | None = None
        self._on_message: MessageHandler | None = None
        self._connect_task: asyncio.Future[Any] | None = None
        self._loop_task: asyncio.Task[int] | None = None
        self._closed: asyncio.Future[int] | None = None
        self._me_phone = ""
        self._me_lid = ""
        self._pair_requested = False
        self._sent_ids: collections.OrderedDict[str, None] = collections.OrderedDict()
        self._sends_in_flight = 0
        self._sends_done = asyncio.Event()
        self._sends_done.set()

    # --- lifecycle ---------------------------------------------------------------------

    @property
    def client(self) -> NewAClient:
        assert self._client is not None, "start() first"
        return self._client

    async def start(self, on_message: MessageHandler) -> None:
        self._on_message = on_message
        loop = asyncio.get_running_loop()
        self._closed = loop.create_future()
        # neonize keeps the first loop it saw for the whole process; this one is ours.
        neonize_events.event_global_loop = None
        self._client = client = self._client_factory(str(self._data_dir / "session.db"))
        self._register(client)
        self._loop_task = asyncio.create_task(
            maintain_connection(self, self.status, self._policy, notify=self._notify_owner),
            name="whatsapp-link")
        self._loop_task.add_done_callback(self._loop_ended)

    def _loop_ended(self, task: asyncio.Task[int]) -> None:
        if task.cancelled():
            code = 0
        elif task.exception() is not None:
            logger.opt(exception=task.exception()).error("the WhatsApp link loop crashed")
            code = 1
        else:
            code = task.result()
        if self._closed is not None and not self._closed.done():
            self._closed.set_result(code)

    async def stop(self) -> None:
        if self._loop_task is not None and not self._loop_task.done():
            self._loop_task.cancel()
            await asyncio.gather(self._loop_task, return_exceptions=True)
        if self._connect_task is not None and not self._connect_task.done():
            # Cancelling neonize's connect task tells Go to stop, so its thread can end.
            self._connect_task.cancel()
            await asyncio.gather(self._connect_task, return_exceptions=True)
        self.status.enter(Phase.STOPPED, datetime.now(UTC))
        if self._closed is not None and not self._closed.done():
            self._closed.set_result(0)

    async def wait_closed(self) -> int:
        assert self._closed is not None, "start() first"
        return await asyncio.shield(self._closed)

    # --- Link (for the reconnect loop) ---------------------------------------------------

    async def probe(self) -> str | None:
        return await self._probe()

    async def connect(self) -> None:
        try:
            task = await self.client.connect()
        except Exception as exc:  # NeonizeError, or a failure before the Go call started
            self.events.put_nowait(LinkEvent(Kind.ATTEMPT_FAILED, f"{type(exc).__name__}: {exc}"))
            return
        self._connect_task = task
        task.add_done_callback(self._connect_ended)

    def _connect_ended(self, task: asyncio.Future[Any]) -> None:
        if task.cancelled():
            return
        error = task.exception()
        detail = f"{type(error).__name__}: {error}" if error else "the client stopped"
        self.events.put_nowait(LinkEvent(Kind.ATTEMPT_FAILED, detail))

    async def disconnect(self) -> None:
        try:
            await self.client.disconnect()
        except Exception:
            logger.exception("disconnect failed")

    # --- events ------------------------------------------------------------------------

    def _register(self, client: NewAClient) -> None:
        client.event(ConnectedEv)(_guarded(self._connected))
        client.event(DisconnectedEv)(_guarded(self._disconnected))
        client.event(KeepAliveTimeoutEv)(_guarded(self._keepalive_timeout))
        client.event(LoggedOutEv)(_guarded(self._logged_out))
        client.event(StreamReplacedEv)(_guarded(self._stream_replaced))
        client.event(TemporaryBanEv)(_guarded(self._temporary_ban))
        client.event(ClientOutdatedEv)(_guarded(self._client_outdated))
        client.event(ConnectFailureEv)(_guarded(self._connect_failure))
        client.event(StreamErrorEv)(_guarded(self._stream_error))
        client.event(PairStatusEv)(_guarded(self._pair_status))
        client.event(MessageEv)(_guarded(self._message))
        client.qr(_guarded(self._qr))

    async def _connected(self, client: NewAClient, _: ConnectedEv) -> None:
        me = await client.get_me()
        self._me_phone = str(me.JID.User)
        self._me_lid = str(me.LID.User)
        logger.info("logged in as {}", self._me_phone or "(unknown)")
        self.events.put_nowait(LinkEvent(Kind.CONNECTED))

    async def _disconnected(self, _: NewAClient, __: DisconnectedEv) -> None:
        self.events.put_nowait(LinkEvent(Kind.DISCONNECTED, "koneksi terputus"))

    async def _keepalive_timeout(self, _: NewAClient, event: KeepAliveTimeoutEv) -> None:
        self.events.put_nowait(LinkEvent(Kind.KEEPALIVE_TIMEOUT,
                                         f"{event.ErrorCount} errors"))

    async def _logged_out(self, _: NewAClient, event: LoggedOutEv) -> None:
        reason = ConnectFailureReason.Name(event.Reason) if event.Reason else ""
        self.events.put_nowait(LinkEvent(Kind.LOGGED_OUT, reason))

    async def _stream_replaced(self, _: NewAClient, __: StreamReplacedEv) -> None:
        self.events.put_nowait(LinkEvent(Kind.REPLACED))

    async def _temporary_ban(self, _: NewAClient, event: TemporaryBanEv) -> None:
        code = TemporaryBan.TempBanReason.Name(event.Code) if event.Code else "unknown"
        self.events.put_nowait(LinkEvent(Kind.BANNED, code, ban_seconds=int(event.Expire)))

    async def _client_outdated(self, _: NewAClient, __: ClientOutdatedEv) -> None:
        self.events.put_nowait(LinkEvent(Kind.OUTDATED))

    async def _connect_failure(self, _: NewAClient, event: ConnectFailureEv) -> None:
        reason = event.Reason
        detail = ConnectFailureReason.Name(reason) if reason else "unknown"
        if event.Message:
            detail += f": {event.Message}"
        if reason in _LOGGED_OUT:
            kind = Kind.LOGGED_OUT
        elif reason in _OUTDATED:
            kind = Kind.OUTDATED
        elif reason == ConnectFailureReason.TEMP_BANNED:
            self.events.put_nowait(LinkEvent(Kind.BANNED, detail,
                                             ban_seconds=_BAN_WITHOUT_EXPIRY_S))
            return
        elif reason in _RETRYABLE:
            kind = Kind.ATTEMPT_FAILED
        else:
            kind = Kind.REFUSED
        self.events.put_nowait(LinkEvent(kind, detail))

    async def _stream_error(self, _: NewAClient, event: StreamErrorEv) -> None:
        logger.warning("WhatsApp stream error {}", event.Code)

    async def _pair_status(self, _: NewAClient, event: PairStatusEv) -> None:
        if event.Status == PairStatus.SUCCESS:
            logger.success("paired with WhatsApp as {}", event.ID.User)
            (self._data_dir / "qr.png").unlink(missing_ok=True)
        else:
            logger.error("pairing failed: {}", event.Error)

    async def _qr(self, client: NewAClient, code: bytes) -> None:
        self.events.put_nowait(LinkEvent(Kind.PAIRING))
        if self._pair_phone:
            if not self._pair_requested:
                self._pair_requested = True
                pair_code = await client.PairPhone(self._pair_phone,
                                                   show_push_notification=True)
                logger.warning(m.PAIR_CODE.format(code=pair_code))
            return
        qr = segno.make_qr(code)
        target = self._data_dir / "qr.png"
        await asyncio.to_thread(qr.save, str(target), scale=8, border=2)
        logger.warning("not paired yet: scan the QR below (also saved to {}) in WhatsApp > "
                       "Linked devices > Link a device", target)
        qr.terminal(out=sys.stdout, compact=True)

    async def _message(self, client: NewAClient, event: MessageEv) -> None:
        if event.Info.MessageSource.IsFromMe and self._sends_in_flight:
            # Our own sends come back as from-me messages; wait until their IDs are known.
            async with asyncio.timeout(10):
                await self._sends_done.wait()
        if event.Info.ID in self._sent_ids:
            logger.debug("ignored echo of our own message {}", event.Info.ID)
            return
        message = to_incoming(event, client.download_any)
        if message.from_me and self._me_lid and message.sender.startswith(self._me_lid + "@"):
            message = _with_sender(message, f"{self._me_phone}@s.whatsapp.net")
        if self._on_message is not None:
            await self._on_message(message)

    async def _notify_owner(self, text: str) -> None:
        try:
            await self.send_text(self.owner_chat(), text)
        except TransportError as exc:
            logger.warning("could not tell the owner ({}): {}", exc.reason, text)

    # --- Transport interface -----------------------------------------------------------

    def owner_chat(self) -> str:
        owner = self._owners[0] if self._owners else self._me_phone
        return f"{owner}@s.whatsapp.net"

    def self_id(self) -> str:
        return self._me_phone

    def connection(self) -> ConnectionState:
        return ConnectionState(self.status.connected, self.status.describe(self._tz))

    async def send_text(self, chat: str, text: str, *, post_id: int | None = None
                        ) -> SentMessage:
        return await self._send(lambda: self.client.send_message(to_jid(chat), text))

    async def send_image(self, chat: str, image: Path, caption: str, *,
                         post_id: int | None = None) -> SentMessage:
        try:
            data = await asyncio.to_thread(image.read_bytes)
        except OSError as exc:
            raise TransportError(f"file foto tidak bisa dibaca: {exc.strerror}") from exc
        return await self._send(
            lambda: self.client.send_image(to_jid(chat), data, caption=caption or None))

    async def _send(self, call: Callable[[], Awaitable[Any]]) -> SentMessage:
        if not self.status.connected:
            raise TransportError("WhatsApp belum terhubung", disconnected=True)
        self._sends_in_flight += 1
        self._sends_done.clear()
        try:
            response = await call()
        except NeonizeError as exc:
            raise send_error(str(exc), self.status.connected) from exc
        finally:
            self._sends_in_flight -= 1
            if not self._sends_in_flight:
                self._sends_done.set()
        self._remember_sent(str(response.ID))
        at = datetime.fromtimestamp(response.Timestamp, UTC) if response.Timestamp else \
            datetime.now(UTC)
        return SentMessage(str(response.ID), at)

    def _remember_sent(self, message_id: str) -> None:
        self._sent_ids[message_id] = None
        while len(self._sent_ids) > _ECHO_MEMORY:
            self._sent_ids.popitem(last=False)

    async def list_groups(self) -> list[Group]:
        if not self.status.connected:
            raise TransportError("WhatsApp belum terhubung")
        groups = await self.client.get_joined_groups()
        return [Group(jid_text(g.JID), str(g.GroupName.Name) or jid_text(g.JID))
                for g in groups]


def _with_sender(message: IncomingMessage, sender: str) -> IncomingMessage:
    return replace(message, sender=sender)
