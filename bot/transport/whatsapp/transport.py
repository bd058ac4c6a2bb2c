"""The real transport: WhatsApp through neonize's async client (whatsmeow underneath).

Lifecycle facts this module is built around (neonize 0.5.2 aioze/client.py, goneonize main.go):
- neonize keeps the first event loop it saw in neonize.aioze.events.event_global_loop; it is
  reset here so that a client created in a new loop gets its events;
- exceptions raised in an event handler vanish (run_coroutine_threadsafe, result never read):
  every handler is wrapped and logs;
- connect() returns a task at once; its Go call runs on a default-executor thread until its
  context is cancelled (`Stop`). This transport keeps at most one call live, stops it through
  `client.stop()` (on a worker thread) and waits for the task to end; it never cancels the
  task itself, because neonize's cancel path calls Go `Stop` synchronously on the event loop
  thread, which can block while whatsmeow is dialling.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from loguru import logger
from neonize.aioze import events as neonize_events
from neonize.aioze.client import NewAClient
from neonize.aioze.events import (
    ClientOutdatedEv,
    ConnectedEv,
    ConnectFailureEv,
    DisconnectedEv,
    KeepAliveRestoredEv,
    KeepAliveTimeoutEv,
    LoggedOutEv,
    MessageEv,
    PairStatusEv,
    StreamErrorEv,
    StreamReplacedEv,
    TemporaryBanEv,
)
from neonize.exc import GetGroupInfoError, NeonizeError
from neonize.proto.Neonize_pb2 import JID, ConnectFailureReason, PairStatus, TemporaryBan
from neonize.utils.enum import ChatPresence, ChatPresenceMedia, Presence
from neonize.utils.jid import build_jid

from bot import messages as m
from bot.models import Group, MediaKind, SentMessage
from bot.pollspec import PollSpec
from bot.transport.base import ConnectionState, MessageHandler, OutgoingMedia, TransportError
from bot.transport.whatsapp.convert import PHONE_SERVER
from bot.transport.whatsapp.errors import send_error
from bot.transport.whatsapp.groups import to_groups
from bot.transport.whatsapp.inbound import Identity, Inbox, owner_chat
from bot.transport.whatsapp.linkstate import LinkStatus, Phase
from bot.transport.whatsapp.netprobe import whatsapp_reachable
from bot.transport.whatsapp.outgoing import (
    build_media_message,
    build_poll,
    member_jids,
    members_error,
    mentioning,
)
from bot.transport.whatsapp.pairing import Pairing
from bot.transport.whatsapp.reconnect import (
    DEFAULT_POLICY,
    Kind,
    LinkEvent,
    ReconnectPolicy,
    Sleep,
    maintain_connection,
)
from bot.waiting import all_done

E = TypeVar("E")
ClientFactory = Callable[[str], NewAClient]

# The Go call's error when WhatsApp sent a ban code goneonize cannot encode.
_UNENCODABLE_BAN = "required field neonize.TemporaryBan.Code not set"

# Seconds to wait for a stopped Go call to end before treating it as stuck.
STOP_LIMIT_S = 5.0

# LoggedOut reasons as WhatsApp means them (whatsmeow types/events/events.go: 403 is "locked"
# and 406 "banned" in WhatsApp Web's own code).
_LOGOUT_REASONS = {
    ConnectFailureReason.LOGGED_OUT: "device unlinked (401)",
    ConnectFailureReason.MAIN_DEVICE_GONE: "account locked or main device gone (403)",
    ConnectFailureReason.UNKNOWN_LOGOUT: "logged out or banned (406)",
}


def _guarded(
    handler: Callable[[Any, E], Coroutine[Any, Any, None]],
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
    return build_jid(user, server or PHONE_SERVER)


async def _read(media: OutgoingMedia) -> bytes:
    try:
        return await asyncio.to_thread(media.path.read_bytes)
    except OSError as exc:
        kind = m.MEDIA_NAMES[media.kind.value]
        raise TransportError(f"file {kind} tidak bisa dibaca: {exc.strerror}") from exc


def _error_text(exc: BaseException) -> str:
    """An exception's type and text. neonize's send_presence raises SendPresenceError with
    the Go answer as bytes, undecoded (aioze/client.py send_presence): shown decoded."""
    first = exc.args[0] if len(exc.args) == 1 else None
    text = first.decode(errors="replace") if isinstance(first, bytes) else str(exc)
    return f"{type(exc).__name__}: {text}"


def _utc_now() -> datetime:
    return datetime.now(UTC)


async def go_stop(client: NewAClient) -> None:
    """Go `Stop` (goneonize main.go: Disconnect, then cancel the call's context) on a worker
    thread; a failure is logged, never raised."""
    try:
        await client.stop()
    except Exception:
        logger.exception("stopping the WhatsApp client failed")


def _default_client(session_path: str) -> NewAClient:
    from bot.transport.whatsapp.neonize_env import new_client

    return new_client(session_path)


class WhatsAppTransport:
    def __init__(
        self,
        data_dir: Path,
        tz: ZoneInfo,
        owners: tuple[str, ...] = (),
        pair_phone: str | None = None,
        policy: ReconnectPolicy = DEFAULT_POLICY,
        client_factory: ClientFactory = _default_client,
        probe: Callable[[], Awaitable[str | None]] = whatsapp_reachable,
        clock: Callable[[], datetime] = _utc_now,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._data_dir = data_dir
        self._tz = tz
        self._owners = owners
        self._policy = policy
        self._client_factory = client_factory
        self._probe = probe
        self._clock = clock
        self._sleep = sleep
        self.status = LinkStatus()
        self.events: asyncio.Queue[LinkEvent] = asyncio.Queue()
        self.identity = Identity()
        self._inbox = Inbox(self.identity)
        self._pairing = Pairing(data_dir, pair_phone)
        self._client: NewAClient | None = None
        self._call: asyncio.Future[Any] | None = None
        self._stopping_call = False
        self._stopper: asyncio.Future[None] | None = None
        self._loop_task: asyncio.Task[int] | None = None
        self._consumer: asyncio.Task[None] | None = None
        self._closed: asyncio.Future[int] | None = None

    # --- lifecycle ---------------------------------------------------------------------

    @property
    def client(self) -> NewAClient:
        assert self._client is not None, "start() first"
        return self._client

    async def start(self, on_message: MessageHandler) -> None:
        loop = asyncio.get_running_loop()
        self._closed = loop.create_future()
        # neonize keeps the first loop it saw for the whole process; this one is ours.
        neonize_events.event_global_loop = None
        self._client = client = self._client_factory(str(self._data_dir / "session.db"))
        self._register(client)
        self._consumer = asyncio.create_task(self._inbox.run(on_message), name="whatsapp-inbox")
        self._loop_task = asyncio.create_task(
            maintain_connection(
                self,
                self.status,
                self._policy,
                sleep=self._sleep,
                clock=self._clock,
                notify=self._notify_owner,
            ),
            name="whatsapp-link",
        )
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
        if self._client is not None and not await self.stop_call():
            logger.warning(
                "a WhatsApp call is still running after {:.0f} s; the process will not wait for it",
                STOP_LIMIT_S,
            )
        if self._consumer is not None:
            self._consumer.cancel()
            await asyncio.gather(self._consumer, return_exceptions=True)
        self.status.enter(Phase.STOPPED, self._clock())
        if self._closed is not None and not self._closed.done():
            self._closed.set_result(0)

    async def wait_closed(self) -> int:
        assert self._closed is not None, "start() first"
        return await asyncio.shield(self._closed)

    # --- Link (for the reconnect loop) ---------------------------------------------------

    async def probe(self) -> str | None:
        return await self._probe()

    async def connect(self) -> None:
        if self._call is not None and not self._call.done():
            # A second call would orphan this one (goneonize overwrites StopSignal[uuid]).
            raise RuntimeError("connect() while a WhatsApp call is still live")
        self._pairing.new_attempt()
        try:
            task = await self.client.connect()
        except Exception as exc:  # NeonizeError, or a failure before the Go call started
            self.events.put_nowait(LinkEvent(Kind.ATTEMPT_FAILED, f"{type(exc).__name__}: {exc}"))
            return
        self._call = task
        task.add_done_callback(self._call_ended)

    def _call_ended(self, task: asyncio.Future[Any]) -> None:
        if task.cancelled():
            return
        error = task.exception()
        if self._stopping_call:
            return
        if error is not None and _UNENCODABLE_BAN in str(error):
            # goneonize utils/encoder.go EncodeTemporaryBan knows codes 101-104 and 106 only;
            # for any other code the required Code field stays unset, proto.Marshal fails and
            # the Go call ends with this error instead of delivering the ban.
            self.events.put_nowait(LinkEvent(Kind.BANNED, "unknown ban code", seconds=0))
            return
        detail = f"{type(error).__name__}: {error}" if error else "the client stopped"
        self.events.put_nowait(LinkEvent(Kind.ATTEMPT_FAILED, detail))

    async def stop_call(self) -> bool:
        """Stop the live Go call (goneonize main.go `Stop`: Disconnect, then cancel its
        context) and wait for its task to end, at most STOP_LIMIT_S."""
        call = self._call
        if call is None or call.done():
            return True
        self._stopping_call = True
        try:
            # One Go Stop at a time: a second one while the first is blocked in whatsmeow's
            # Disconnect would race goneonize's unsynchronised clients/StopSignal maps.
            if self._stopper is None or self._stopper.done():
                self._stopper = asyncio.ensure_future(go_stop(self.client))
            if await all_done(self._sleep, STOP_LIMIT_S, self._stopper, call):
                if not call.cancelled() and call.exception() is not None:
                    logger.debug("the stopped WhatsApp call ended with {}", call.exception())
                return True
            logger.error(
                "the WhatsApp call did not end within {:.0f} s of being stopped", STOP_LIMIT_S
            )
            return False
        finally:
            self._stopping_call = False

    # --- events ------------------------------------------------------------------------

    def _register(self, client: NewAClient) -> None:
        client.event(ConnectedEv)(_guarded(self._connected))
        client.event(DisconnectedEv)(_guarded(self._disconnected))
        client.event(KeepAliveTimeoutEv)(_guarded(self._keepalive_timeout))
        client.event(KeepAliveRestoredEv)(_guarded(self._keepalive_restored))
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
        await self.identity.load_from(client)
        logger.info(
            "logged in as {} (LID {})", self.identity.phone or "(unknown)", self.identity.lid or "-"
        )
        self.events.put_nowait(LinkEvent(Kind.CONNECTED))
        await self._stay_unavailable(client)

    async def _stay_unavailable(self, client: NewAClient) -> None:
        """Tell WhatsApp this device is "unavailable" once per connection (whatsmeow sends
        no presence by itself; ConnectedEv comes on every login, the automatic reconnects
        included). A linked device that is "available" makes the phone stop showing
        notifications, and the owner reads the bot's notices there.

        Only UNAVAILABLE is sent, never AVAILABLE first. whatsmeow presence.go SendPresence
        asks to be called once after connecting "so that the server has your pushname", but
        the stanza it builds carries the push name (`name`) whatever the state, so the
        unavailable one gives the server the name as well; an AVAILABLE would show the
        device online and start unified sessions and active receipts (presence.go:70-72)
        for nothing. It fails with ErrNoPushName while the store has no push name yet (just
        after pairing, until the app state sync brings it): the next connect sends it.
        Failures are logged, never raised: the connection is fine without it."""
        try:
            await client.send_presence(Presence.UNAVAILABLE)
        except Exception as exc:  # SendPresenceError (neonize aioze/client.py send_presence)
            logger.warning("could not mark this device unavailable: {}", _error_text(exc))
        else:
            logger.debug("presence set to unavailable")

    async def _disconnected(self, _: NewAClient, __: DisconnectedEv) -> None:
        self.events.put_nowait(LinkEvent(Kind.DISCONNECTED, "koneksi terputus"))

    async def _keepalive_timeout(self, _: NewAClient, event: KeepAliveTimeoutEv) -> None:
        self.events.put_nowait(
            LinkEvent(Kind.KEEPALIVE_TIMEOUT, f"keep-alive timeout ({event.ErrorCount}x)")
        )

    async def _keepalive_restored(self, _: NewAClient, __: KeepAliveRestoredEv) -> None:
        self.events.put_nowait(LinkEvent(Kind.CONNECTED))

    async def _logged_out(self, _: NewAClient, event: LoggedOutEv) -> None:
        reason = _LOGOUT_REASONS.get(event.Reason, "logged out")
        self.events.put_nowait(LinkEvent(Kind.LOGGED_OUT, reason))

    async def _stream_replaced(self, _: NewAClient, __: StreamReplacedEv) -> None:
        self.events.put_nowait(LinkEvent(Kind.REPLACED))

    async def _temporary_ban(self, _: NewAClient, event: TemporaryBanEv) -> None:
        # goneonize utils/encoder.go EncodeTemporaryBan: Expire in seconds, 0 when absent.
        code = TemporaryBan.TempBanReason.Name(event.Code) if event.Code else "unknown"
        self.events.put_nowait(LinkEvent(Kind.BANNED, code, seconds=float(event.Expire)))

    async def _client_outdated(self, _: NewAClient, __: ClientOutdatedEv) -> None:
        self.events.put_nowait(LinkEvent(Kind.OUTDATED, "client outdated (405)"))

    async def _connect_failure(self, _: NewAClient, event: ConnectFailureEv) -> None:
        # whatsmeow connectionevents.go handleConnectFailure turns logged-out (401/403/406),
        # temporary bans (402) and 405 into their own events and reconnects by itself on
        # 500/503, so only the remaining reasons arrive here (400, 409, 415, 418, 501, ...).
        reason = event.Reason
        detail = ConnectFailureReason.Name(reason) if reason else "unknown"
        if event.Message:
            detail += f": {event.Message}"
        kind = Kind.OUTDATED if reason == ConnectFailureReason.BAD_USER_AGENT else Kind.REFUSED
        self.events.put_nowait(LinkEvent(kind, detail))

    async def _stream_error(self, _: NewAClient, event: StreamErrorEv) -> None:
        logger.warning("WhatsApp stream error {}", event.Code)

    async def _pair_status(self, _: NewAClient, event: PairStatusEv) -> None:
        if event.Status == PairStatus.SUCCESS:
            logger.success("paired with WhatsApp as {}", event.ID.User)
            self._pairing.paired()
            self.events.put_nowait(LinkEvent(Kind.PAIRED))
        else:
            logger.error("pairing failed: {}", event.Error)

    async def _qr(self, client: NewAClient, code: bytes) -> None:
        self.events.put_nowait(LinkEvent(Kind.PAIRING, seconds=self._pairing.next_lifetime()))
        await self._pairing.show(client, code)

    async def _message(self, client: NewAClient, event: MessageEv) -> None:
        self._inbox.put(client, event)  # no await before this: arrival order is kept

    async def _notify_owner(self, text: str) -> None:
        try:
            await self.send_text(self.owner_chat(), text)
        except TransportError as exc:
            logger.warning("could not tell the owner ({}): {}", exc.reason, text)

    # --- Transport interface -----------------------------------------------------------

    def owner_chat(self) -> str:
        return owner_chat(self._owners, self.identity)

    def self_id(self) -> str:
        return self.identity.phone

    def connection(self) -> ConnectionState:
        status = replace(self.status)  # as it is now, whenever it is shown
        return ConnectionState(
            status.connected,
            status.describe(self._tz),
            status.describe,
            drops=status.drops,
            drops_total=status.drops_total,
        )

    async def send_text(self, chat: str, text: str, *, post_id: int | None = None) -> SentMessage:
        return await self._send(lambda: self.client.send_message(to_jid(chat), text))

    async def send_image(
        self, chat: str, image: Path, caption: str, *, post_id: int | None = None
    ) -> SentMessage:
        return await self.send_media(
            chat, OutgoingMedia(MediaKind.IMAGE, image, "image/jpeg", caption), post_id=post_id
        )

    async def send_media(
        self, chat: str, media: OutgoingMedia, *, post_id: int | None = None
    ) -> SentMessage:
        data = await _read(media)
        to = to_jid(chat)
        if media.kind is MediaKind.IMAGE:
            return await self._send(
                lambda: self.client.send_image(to, data, caption=media.caption or None)
            )

        async def send() -> Any:
            # The upload is part of the send: its errors (UploadError) are mapped the same way.
            message = await build_media_message(self.client, media, data)
            return await self.client.send_message(to, message)

        return await self._send(send)

    async def send_mentioning_all(
        self, chat: str, content: str | OutgoingMedia, *, post_id: int | None = None
    ) -> SentMessage:
        data = await _read(content) if isinstance(content, OutgoingMedia) else b""
        to = to_jid(chat)

        async def send() -> Any:
            try:  # the members as they are at the moment of the send
                members = member_jids(await self.client.get_group_info(to))
            except GetGroupInfoError as exc:
                raise members_error(str(exc), self.status.connected) from exc
            if isinstance(content, str):
                message = mentioning(content, members)
            elif content.kind is MediaKind.IMAGE:  # as neonize's send_image builds it
                built = await self.client.build_image_message(data, content.caption or None)
                message = mentioning(built, members)
            else:
                built = await build_media_message(self.client, content, data)
                message = mentioning(built, members)
            return await self.client.send_message(to, message)

        return await self._send(send)

    async def send_poll(
        self, chat: str, poll: PollSpec, *, post_id: int | None = None
    ) -> SentMessage:
        to = to_jid(chat)

        async def send() -> Any:
            return await self.client.send_message(to, await build_poll(self.client, poll))

        return await self._send(send)

    async def _send(self, call: Callable[[], Awaitable[Any]]) -> SentMessage:
        if not self.status.connected:
            raise TransportError("WhatsApp belum terhubung", disconnected=True)
        try:
            response = await call()
        except NeonizeError as exc:
            raise send_error(str(exc), self.status.connected) from exc
        at = (
            datetime.fromtimestamp(response.Timestamp, UTC) if response.Timestamp else self._clock()
        )
        return SentMessage(str(response.ID), at)

    async def set_typing(self, chat: str, typing: bool) -> None:
        """whatsmeow presence.go SendChatPresence: "composing" (text) or "paused" in `chat`,
        through neonize aioze/client.py send_chat_presence, which raises SendPresenceError
        when the Go side answers with an error. Logged and swallowed: a post never fails for
        want of "typing..."."""
        if not self.status.connected:
            return
        state = (
            ChatPresence.CHAT_PRESENCE_COMPOSING if typing else ChatPresence.CHAT_PRESENCE_PAUSED
        )
        try:
            await self.client.send_chat_presence(
                to_jid(chat), state, ChatPresenceMedia.CHAT_PRESENCE_MEDIA_TEXT
            )
        except Exception as exc:
            logger.warning(
                "could not {} typing in {}: {}",
                "show" if typing else "clear",
                chat,
                _error_text(exc),
            )

    async def list_groups(self) -> list[Group]:
        if not self.status.connected:
            raise TransportError("WhatsApp belum terhubung")
        return to_groups(
            await self.client.get_joined_groups(), self.identity.phone, self.identity.lid
        )
