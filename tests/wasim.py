"""A simulator of neonize 0.5.2's async client and of WhatsApp's servers behind it, for tests.

`SimClient` IS neonize's `NewAClient`: connect, send_message, send_image, get_group_info,
download_any, PairPhone, is_connected, stop... are neonize's own Python. Only the layer under
it is replaced: `NewAClient.__client` (normally `async_gocode`, which runs each goneonize export
on a default-executor thread with asyncio.to_thread) becomes `_SimGoCode`, whose exports run on
those same threads and answer with the bytes goneonize would, from `WhatsAppSim`: a model of
goneonize main.go and whatsmeow, kept on the event loop on virtual time (tests/vclock.py).

So events take neonize's real path: the Go call's own thread (goneonize CallbackFunction) calls
the ctypes callback connect_with_proxy built around `Event.execute`, with a C buffer holding the
serialised protobuf and the code from neonize.events.EVENT_TO_INT; execute decodes it, sets
client.me on code 0 and runs each handler as its own task (run_coroutine_threadsafe on
neonize.aioze.events.event_global_loop). QR codes go through NewAClient.__onQr the same way.

Sources, as read: neonize 0.5.2 installed (aioze/client.py, aioze/events.py, events.py,
_binder.py, exc.py); krypton-byte/neonize goneonize/main.go and goneonize/utils/encoder.go;
tulir/whatsmeow client.go, connectionevents.go, qrchan.go, pair.go, pair-code.go, keepalive.go,
send.go, request.go, group.go, upload.go, mediaconn.go, download.go, message.go, errors.go,
socket/framesocket.go, socket/constants.go, store/store.go, store/sqlstore/lidmap.go,
types/events/events.go. The goneonize source on GitHub is older than the 0.5.2 wheel; where it
mattered (FetchMe, CallbackFunction, Stop) the wheel's neonize-linux-amd64.so was disassembled
and found to do the same. "[assumed]" marks what WhatsApp's servers do that no source shows.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import hashlib
import itertools
import random
import re
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NoReturn

import neonize.aioze.client as neonize_client
from google.protobuf.message import Message as Proto
from neonize.aioze import events as neonize_events
from neonize.aioze.client import NewAClient
from neonize.proto import Neonize_pb2 as pb
from neonize.proto.waCompanionReg.WAWebProtobufsCompanionReg_pb2 import DeviceProps
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import ImageMessage
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import Message as WAMessage

from tests.vclock import VirtualClock

# --- what whatsmeow says (error texts verbatim) --------------------------------------------

# socket/constants.go ErrDialFailed, wrapped by socket/framesocket.go FrameSocket.Connect, then
# coder/websocket dial.go ("failed to WebSocket dial", "failed to send handshake request: %w")
# and net/http's url.Error. The whole text is what 0.5.2 said here, offline, measured with the
# real library (the resolver address is this host's).
DIAL_ERROR = (
    'failed to dial whatsapp web websocket: failed to WebSocket dial: failed to send handshake '
    'request: Get "https://web.whatsapp.com/ws/chat": dial tcp: lookup web.whatsapp.com on '
    "10.255.255.53:53: no such host")
# The same chain when the host takes the TCP connection and never answers: net/http
# DefaultTransport's TLS handshake timeout (client.go NewClient clones DefaultTransport).
HANG_ERROR = DIAL_ERROR.split("Get ")[0] + (
    'Get "https://web.whatsapp.com/ws/chat": net/http: TLS handshake timeout')
NOT_CONNECTED = "websocket not connected"  # errors.go ErrNotConnected
# errors.go ErrClientIsNil: goneonize passes clients[uuid], nil before connect and after Stop
CLIENT_IS_NIL = "client is nil"
NOT_LOGGED_IN = "the store doesn't contain a device JID"  # errors.go ErrNotLoggedIn
SEND_TIMEOUT = "timed out waiting for message send response"  # errors.go ErrMessageTimedOut
NOT_IN_GROUP = "you're not participating in that group"  # errors.go ErrNotInGroup (IQ 403)
GROUP_NOT_FOUND = "that group does not exist"  # errors.go ErrGroupNotFound (IQ 404)
NOTHING_TO_DOWNLOAD = "didn't find any attachments in message"  # errors.go
NO_URL = "no url present"  # errors.go ErrNoURLPresent
DEVICE_DELETED = "invalid use of deleted device"  # store/store.go ErrDeviceDeleted
PHONE_TOO_SHORT = "phone number too short"  # errors.go
PHONE_NOT_INTERNATIONAL = "international phone number required (must not start with 0)"
NIL_POINTER = "runtime error: invalid memory address or nil pointer dereference"


def server_error(code: int) -> str:
    """send.go SendMessage: fmt.Errorf("%w %d", ErrServerReturnedError, code)."""
    return f"server returned error {code}"


def members_error(reason: str) -> str:
    """send.go SendMessage: fmt.Errorf("failed to get group members: %w", err)."""
    return f"failed to get group members: {reason}"


def download_error(status: int) -> str:
    """errors.go DownloadHTTPError (download.go returns 403/404/410 unwrapped)."""
    return f"download failed with status code {status}"


MEDIA_CONN_ERROR = "failed to refresh media connections: "  # upload.go/download.go, mediaconn.go

# --- timings -------------------------------------------------------------------------------

HANG_DIAL_S = 14.0  # ../shared/DESIGN.md, measured: a host that never answers fails in ~14 s
SEND_TIMEOUT_S = 75.0  # request.go defaultRequestTimeout, send.go SendMessage's ack wait
QR_FIRST_S, QR_NEXT_S, QR_CODES = 60.0, 20.0, 6  # qrchan.go emitQRs; pair.go: 6 refs
KEEPALIVE_S = 25.0  # keepalive.go: a ping every 20-30 s at random; the midpoint here
KEEPALIVE_DEADLINE_S = 10.0  # keepalive.go KeepAliveResponseDeadline
KEEPALIVE_MAX_FAIL_S = 180.0  # keepalive.go KeepAliveMaxFailTime
RECONNECT_STEP_S = 2.0  # client.go autoReconnect: AutoReconnectErrors x 2 s, no cap

# goneonize utils/encoder.go EncodeTemporaryBan / EncodeConnectFailureReason
BAN_CODES = {101: pb.TemporaryBan.SEND_TO_TOO_MANY_PEOPLE, 102: pb.TemporaryBan.BLOCKED_BY_USERS,
             103: pb.TemporaryBan.CREATED_TOO_MANY_GROUPS,
             104: pb.TemporaryBan.SENT_TOO_MANY_SAME_MESSAGE, 106: pb.TemporaryBan.BROADCAST_LIST}
LOGOUT_REASONS = {401: pb.LOGGED_OUT, 403: pb.MAIN_DEVICE_GONE, 406: pb.UNKNOWN_LOGOUT}
# pair-code.go linkingBase32
_LINK_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTVWXYZ"


class GoPanic(Exception):
    """What would kill the whole process for real: a Go panic inside a cgo export."""


def reset_event_loop() -> None:
    """neonize keeps the first loop it sees (aioze/events.py set_event_loop); each test has its
    own loop, so forget the last one before and after a test."""
    neonize_events.event_global_loop = None


# --- JIDs ------------------------------------------------------------------------------------

def jid(user: str, server: str = "s.whatsapp.net", device: int = 0) -> pb.JID:
    """A JID with every field set, like goneonize utils/encoder.go EncodeJidProto."""
    return pb.JID(User=user, RawAgent=0, Device=device, Integrator=0, Server=server,
                  IsEmpty=server == "")


EMPTY_JID = jid("", "")


def as_jid(value: pb.JID | str | None) -> pb.JID:
    """"user@server" or "user:device@server" (types.JID.String) as a JID; None: the empty JID."""
    if value is None:
        return EMPTY_JID
    if isinstance(value, pb.JID):
        return value
    user, _, server = value.partition("@")
    user, _, device = user.partition(":")
    return jid(user, server, int(device or 0))


def jid_text(value: pb.JID) -> str:
    """types.JID.String: user[:device]@server."""
    device = f":{value.Device}" if value.Device else ""
    return f"{value.User}{device}@{value.Server}" if value.User else value.Server


# --- records ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Sent:
    """One message WhatsApp accepted from this device."""

    to: str  # the JID as neonize passed it, "user@server"
    kind: str  # "text", "image", ...: the waE2E.Message field that was set
    text: str  # text or caption
    size: int  # bytes of media (0 for text)
    id: str
    at: datetime
    shown: bool  # False: acknowledged, never shown (announce-only group, not admin) [assumed]


@dataclass(eq=False)
class _Command:
    kind: str  # "qr" | "status" | "event" | "return"
    code: int = 0
    payload: bytes = b""
    done: asyncio.Future[None] | None = None


@dataclass(eq=False)
class _Job:
    """A thread inside a goneonize export. Busy (the loop must wait for it) unless parked on a
    simulator coroutine, until the loop has seen it leave."""

    parked: bool = False
    finished: bool = False
    awaited: bool = False

    def busy(self) -> bool:
        return not self.parked and not (self.finished and self.awaited)


@dataclass(eq=False)
class _GoCall:
    """One goneonize Neonize() call and the whatsmeow Client it made."""

    uuid: bytes
    subscribers: frozenset[int]
    callbacks: tuple[Any, Any, Any]  # qr_cb, login_cb, event_cb built by connect_with_proxy
    paired: bool  # whatsmeow Store.ID != nil
    state: str = "dialing"  # dialing | qr | callback | stuck | ended
    socket_up: bool = False
    logged_in: bool = False
    store_deleted: bool = False
    cancelled: bool = False  # its StopSignal context was cancelled
    orphaned: bool = False
    returned: bool = False
    epoch: int = 0  # counts socket downs: loops of an older socket stop
    dial_until: float = 0.0
    reconnect_errors: int = 0  # client.go AutoReconnectErrors
    qr_outcome: str | None = None
    pair_code: str | None = None
    warm: set[str] = field(default_factory=set)  # group/device caches filled for these JIDs
    channel: deque[tuple[int, Proto]] = field(default_factory=deque)
    commands: asyncio.Queue[_Command] = field(default_factory=asyncio.Queue)
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    qr_wake: asyncio.Event = field(default_factory=asyncio.Event)
    expected: asyncio.Event = field(default_factory=asyncio.Event)  # expectedDisconnect
    dial_idle: asyncio.Event = field(default_factory=asyncio.Event)  # socketLock free
    released: asyncio.Event = field(default_factory=asyncio.Event)


# --- neonize's side --------------------------------------------------------------------------

class _SimGoCode:
    """Stands in for neonize's `async_gocode` (aioze/client.py GoCode.__getattr__): an export,
    called with goneonize's arguments, returns an awaitable running it on a default-executor
    thread. An export the simulator does not know fails loudly."""

    def __init__(self, world: WhatsAppSim) -> None:
        self._world = world

    def __getattr__(self, name: str) -> Callable[..., Coroutine[Any, Any, Any]]:
        if name.startswith("_"):
            raise AttributeError(name)
        if name != "Neonize" and not hasattr(WhatsAppSim, f"_go_{name}"):
            raise NotImplementedError(f"goneonize export {name} is not simulated")
        world = self._world

        def call(*args: Any) -> Coroutine[Any, Any, Any]:
            return world._ffi(name, args)

        return call


class SimClient(NewAClient):
    """neonize's NewAClient with goneonize underneath replaced by a WhatsAppSim."""

    def __init__(self, world: WhatsAppSim, name: str, props: DeviceProps | None = None) -> None:
        super().__init__(name, props=props)
        # NewAClient.__init__ set self.__client = async_gocode; every method reaches Go there.
        self._NewAClient__client = _SimGoCode(world)


class _GocodeRouter:
    """Takes the place of neonize.aioze.client's module-level `gocode` while simulators live,
    for the two places NewAClient calls Go Stop directly on the caller's thread: the
    _connect_and_check cancel path, and weakref.finalize(_release_ffi) when a client is
    collected. Anything else, and unknown uuids, go to the real library."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.worlds: list[WhatsAppSim] = []

    def Stop(self, uuid: bytes) -> bytes:
        collected = sys._getframe(1).f_code.co_name == "_release_ffi"
        for world in self.worlds:
            if world.owns(uuid):
                world._stop_direct(uuid, collected)
                return b""
        result: bytes = self.real.Stop(uuid)
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


def _router() -> _GocodeRouter:
    current = neonize_client.gocode
    if not isinstance(current, _GocodeRouter):
        current = _GocodeRouter(current)
        neonize_client.gocode = current
    return current


# --- the world -------------------------------------------------------------------------------

class WhatsAppSim:
    """WhatsApp's servers and goneonize/whatsmeow for one account, on a VirtualClock.

    Actions (drop_connection, incoming, scan_qr...) are plain calls from the test; their events
    reach handlers once the loop runs (`await clock.settle()` or `clock.advance(...)`).
    """

    def __init__(self, clock: VirtualClock, *, phone: str = "6281234567890",
                 lid: str = "98765432101234", device: int = 7, paired: bool = True,
                 push_name: str = "Pemilik", seed: int = 1) -> None:
        self.clock = clock
        self.phone, self.lid, self.device, self.push_name = phone, lid, device, push_name
        self.paired = paired  # a session is stored in the database
        self._network = "up"
        self.dial_timeout_s = HANG_DIAL_S
        self.send_delay_s = 0.5
        self.groups: list[pb.GroupInfo] = []
        self.media: dict[str, bytes] = {}  # directPath -> bytes
        self.expired_media: dict[str, int] = {}  # directPath -> HTTP status (404 or 410)
        self.lid_to_pn: dict[str, str] = {lid: phone}
        self.sent: list[Sent] = []
        self.pair_codes: list[str] = []
        self.connect_calls = 0
        self.orphaned_calls = 0
        self.gc_stops = 0  # Go Stop calls made by weakref.finalize(_release_ffi)
        self.loop_freezes: list[float] = []  # virtual s a Stop would have blocked the loop
        self.panics: list[str] = []
        self.errors: list[BaseException] = []  # the simulator's own failures
        self._rng = random.Random(seed)
        self._ids = itertools.count(1)
        self._calls: list[_GoCall] = []
        self._clients: dict[bytes, _GoCall] = {}  # goneonize main.go clients[uuid]
        self._stop_signal: dict[bytes, _GoCall] = {}  # goneonize main.go StopSignal[uuid]
        self._uuids: set[bytes] = set()
        self._backlog: list[pb.Message] = []
        self._fail_sends: deque[str] = deque()
        self._verdict: tuple[Any, ...] | None = None
        self._jobs: set[_Job] = set()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._waiting: set[asyncio.Task[Any]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread = 0
        self._closed = False
        clock.add_busy_check(lambda: any(job.busy() for job in self._jobs))
        _router().worlds.append(self)

    # --- test-facing API -------------------------------------------------------------------

    def factory(self, name: str, props: DeviceProps | None = None) -> SimClient:
        """Use where the code calls NewAClient(name, props=...)."""
        client = SimClient(self, name, props)
        self._uuids.add(client.uuid)
        return client

    @property
    def network(self) -> str:
        return self._network

    @network.setter
    def network(self, value: str) -> None:
        """"up"; "down": dials fail at once; "hang": dials fail after dial_timeout_s. A live
        socket is not told: keepalives notice (keepalive.go)."""
        if value not in ("up", "down", "hang"):
            raise ValueError(value)
        self._network = value

    @property
    def live_calls(self) -> int:
        """Neonize() calls whose thread has not returned."""
        return sum(not call.returned for call in self._calls)

    @property
    def stuck_calls(self) -> int:
        """Live calls nothing but release_all() can end (QR loop after a disconnect, FetchMe)."""
        return sum(call.state == "stuck" and not call.returned for call in self._calls)

    @property
    def threads_in_go(self) -> int:
        """Executor threads inside any goneonize export."""
        return sum(not job.finished for job in self._jobs)

    def owns(self, uuid: bytes) -> bool:
        return uuid in self._uuids

    def fail_next_send(self, text: str) -> None:
        """The next SendMessage answers with this whatsmeow error text (SEND_TIMEOUT after
        75 s, as send.go waits; others after send_delay_s)."""
        self._fail_sends.append(text)

    def scan_qr(self) -> bool:
        """The owner scans the QR code of the live pairing attempt (pair.go handlePairSuccess)."""
        call = self._qr_call()
        if call is None:
            return False
        self._pair(call)
        return True

    def enter_pair_code(self, code: str) -> bool:
        """The owner types a pair code; only the attempt's latest code works (pair-code.go
        keeps one phoneLinkingCache)."""
        call = self._qr_call()
        if call is None or call.pair_code != code:
            return False
        self._pair(call)
        return True

    def drop_connection(self) -> None:
        """WhatsApp closes the socket: Disconnected, then whatsmeow's autoReconnect
        (client.go onDisconnect); during pairing, the QR channel closes with "timeout"."""
        for call in self._calls:
            if call.socket_up:
                self._closed_by_server(call)

    def stream_replaced(self) -> None:
        """Another client connected with this session (connectionevents.go handleStreamError,
        conflict type "replaced"): StreamReplaced, an expected disconnect, no reconnect."""
        for call in self._calls:
            if call.logged_in:
                self._replaced(call)

    def logged_out(self, reason: int = 401) -> None:
        """The phone unlinks this device. 401 while connected: stream:error device_removed,
        LoggedOut(OnConnect=false). 403/406 (or any, when not connected): the next login gets
        <failure reason=...>, LoggedOut(OnConnect=true) [assumed: the live socket is dropped].
        Either way the session is deleted and no reconnect follows."""
        if reason not in LOGOUT_REASONS:
            raise ValueError(f"whatsmeow IsLoggedOut() reasons are 401, 403, 406, not {reason}")
        live = [call for call in self._calls if call.logged_in]
        if reason == 401 and live:
            for call in live:
                self._socket_down(call, expected=True)
                self._delete_session(call)
                self._emit(call, 6, pb.LoggedOut(OnConnect=False, Reason=pb.LOGGED_OUT))
            return
        self._verdict = ("logged_out", reason)
        self.drop_connection()

    def temporary_ban(self, code: int, expire_s: int) -> None:
        """A temporary ban for expire_s seconds (0: the server gave none). Logins get
        <failure reason=402>: TemporaryBan(Code, Expire in s), then no reconnect
        (connectionevents.go). A code goneonize cannot encode (not 101-104, 106) leaves
        TemporaryBan.Code unset: proto.Marshal fails in CallbackFunction and the Go call ends
        with that error. [assumed: the live socket is dropped]"""
        until = self.clock.elapsed + expire_s if expire_s else None
        self._verdict = ("ban", code, until)
        self.drop_connection()

    def client_outdated(self) -> None:
        """WhatsApp rejects this whatsmeow version: logins get <failure reason=405>,
        ClientOutdated, no reconnect; in pairing, the QR channel closes with
        err-client-outdated. [assumed: the live socket is dropped]"""
        self._verdict = ("outdated",)
        self.drop_connection()

    def clear_verdict(self) -> None:
        """WhatsApp accepts logins again (a ban lifted, a new client version)."""
        self._verdict = None

    def incoming(self, message: WAMessage, *, chat: pb.JID | str, sender: pb.JID | str,
                 from_me: bool, is_group: bool, sender_alt: pb.JID | str | None = None,
                 recipient_alt: pb.JID | str | None = None, timestamp: datetime | None = None,
                 view_once: bool = False, msg_id: str | None = None) -> pb.Message:
        """A message event as goneonize EncodeEventTypesMessage builds it (Info.Timestamp in
        ms; Message and Raw both the unwrapped message), delivered now or, while this device
        is offline, kept for the next login (offline backlog, in order)."""
        media = any(message.HasField(kind) for kind in _MEDIA_KINDS)
        sender_jid = as_jid(sender)
        source = pb.MessageSource(
            Chat=as_jid(chat), Sender=sender_jid, IsFromMe=from_me, IsGroup=is_group,
            SenderAlt=as_jid(sender_alt), RecipientAlt=as_jid(recipient_alt),
            BroadcastListOwner=EMPTY_JID)
        if is_group:  # message.go parseMessageSource: addressing_mode of group messages
            source.AddressingMode = pb.LID if sender_jid.Server == "lid" else pb.PN
        when = timestamp or self.clock()
        info = pb.MessageInfo(
            MessageSource=source, ID=msg_id or self._message_id("3A"), ServerID=0,
            Type="media" if media else "text", Pushname="", Timestamp=int(when.timestamp() * 1000),
            Category="", Multicast=False, MediaType=_media_type(message), Edit="")
        event = pb.Message(
            Info=info, Message=message, IsEphemeral=False, IsViewOnce=view_once,
            IsViewOnceV2=False, IsViewOnceV2Extension=False, IsDocumentWithCaption=False,
            IsLottieSticker=False, IsEdit=False, UnavailableRequestID="", RetryCount=0,
            Raw=message)
        call = self._receiving_call()
        if call is None:
            self._backlog.append(event)
        else:
            self._emit(call, 17, event)
        return event

    def self_chat(self, content: str | WAMessage) -> pb.Message:
        """What the owner types in "Message yourself" today: Chat and Sender the account's LID,
        RecipientAlt its phone JID, SenderAlt empty (message.go, from-me branch)."""
        own_lid = jid(self.lid, "lid")
        return self.incoming(_content(content), chat=own_lid, sender=own_lid, from_me=True,
                             is_group=False, recipient_alt=jid(self.phone))

    def owner_phone_message(self, content: str | WAMessage, *, chat: str) -> pb.Message:
        """Typed on the owner's phone in a chat with someone else: IsFromMe, Chat = the other
        party (message.go parseMessageSource); in a group, Sender = own LID, SenderAlt = own
        phone JID."""
        other = as_jid(chat)
        if other.Server == "g.us":
            return self.incoming(_content(content), chat=other, sender=jid(self.lid, "lid"),
                                 from_me=True, is_group=True, sender_alt=jid(self.phone))
        if other.Server == "lid":
            alt = self.lid_to_pn.get(other.User)
            return self.incoming(_content(content), chat=other, sender=jid(self.lid, "lid"),
                                 from_me=True, is_group=False,
                                 recipient_alt=jid(alt) if alt else None)
        lid = next((k for k, v in self.lid_to_pn.items() if v == other.User), None)
        return self.incoming(_content(content), chat=other, sender=jid(self.phone),
                             from_me=True, is_group=False,
                             recipient_alt=jid(lid, "lid") if lid else None)

    def from_contact(self, content: str | WAMessage, *, lid: str, phone: str | None = None,
                     group: str | None = None, device: int = 0) -> pb.Message:
        """From another person, LID-addressed; SenderAlt is their phone JID when WhatsApp sent
        it (sender_pn / participant_pn), else empty. whatsmeow stores that mapping."""
        if phone:
            self.lid_to_pn[lid] = phone
        alt = jid(phone) if phone else None
        if group:
            return self.incoming(_content(content), chat=group, sender=jid(lid, "lid"),
                                 from_me=False, is_group=True, sender_alt=alt)
        return self.incoming(_content(content), chat=jid(lid, "lid"),
                             sender=jid(lid, "lid", device), from_me=False, is_group=False,
                             sender_alt=alt)

    def photo(self, data: bytes, caption: str = "") -> WAMessage:
        """An image message whose media is downloadable at its directPath."""
        path = self._media_path()
        self.media[path] = data
        return WAMessage(imageMessage=ImageMessage(
            caption=caption, mimetype="image/jpeg", directPath=path, fileLength=len(data),
            mediaKey=bytes(32), fileSHA256=hashlib.sha256(data).digest(),
            fileEncSHA256=hashlib.sha256(b"enc" + data).digest()))

    def add_group(self, name: str, *, announce: bool = False, admin: bool = True,
                  member: bool = True, parent: bool = False) -> pb.GroupInfo:
        """A group as goneonize EncodeGroupInfo returns it (LID-addressed participants)."""
        created = int(self.clock().timestamp()) - 86400
        owner = jid("11111111111111", "lid")
        others = [_participant(owner, jid("6281111111111"), admin=True)]
        if member:
            me = _participant(jid(self.lid, "lid"), jid(self.phone), admin=admin)
            others.insert(0, me)
        info = pb.GroupInfo(
            JID=jid(f"120363{next(self._ids):012d}", "g.us"), OwnerJID=owner,
            OwnerPN=jid("6281111111111"),
            GroupName=pb.GroupName(Name=name, NameSetAt=created, NameSetBy=owner),
            GroupTopic=pb.GroupTopic(Topic="", TopicID="", TopicSetAt=0, TopicSetBy=EMPTY_JID,
                                     TopicDeleted=False),
            GroupLocked=pb.GroupLocked(isLocked=False),
            GroupAnnounce=pb.GroupAnnounce(IsAnnounce=announce, AnnounceVersionID=""),
            GroupEphemeral=pb.GroupEphemeral(IsEphemeral=False, DisappearingTimer=0),
            GroupIncognito=pb.GroupIncognito(IsIncognito=False),
            GroupParent=pb.GroupParent(IsParent=parent, DefaultMembershipApprovalMode=""),
            GroupLinkedParent=pb.GroupLinkedParent(LinkedParentJID=EMPTY_JID),
            GroupIsDefaultSub=pb.GroupIsDefaultSub(IsDefaultSubGroup=False),
            GroupCreated=float(created), ParticipantVersionID="", Participants=others)
        self.groups.append(info)
        return info

    def release_all(self) -> None:
        """Let every blocked Go call return (test teardown only: for real they never do)."""
        for call in self._calls:
            call.released.set()

    async def aclose(self) -> None:
        """Release every blocked call, end the simulator's tasks, wait until no thread is left
        in an export (the loop's default executor must be able to shut down), restore neonize's
        gocode. Raises the simulator's own first failure, if any."""
        if self._closed:
            return
        self._closed = True
        self.release_all()
        for call in self._calls:
            call.cancelled = True
            call.wake.set()
        await _cancel_all(self._tasks)  # each Go call's driver hands its thread "return"
        await _real_wait(lambda: all(call.returned for call in self._calls))
        await _cancel_all(self._waiting)  # threads parked in other exports
        await _real_wait(lambda: all(job.finished for job in self._jobs))
        router = _router()
        router.worlds.remove(self)
        if not router.worlds:
            neonize_client.gocode = router.real
        if self.errors:
            raise self.errors[0]

    # --- threads: goneonize's exports ------------------------------------------------------

    async def _ffi(self, name: str, args: tuple[Any, ...]) -> Any:
        """GoCode: the export runs on a thread of the loop's default executor."""
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
            self._loop_thread = threading.get_ident()
        job = _Job()
        self._jobs.add(job)
        try:
            return await asyncio.to_thread(self._in_thread, job, name, args)
        finally:
            job.awaited = True
            self._forget(job)

    def _in_thread(self, job: _Job, name: str, args: tuple[Any, ...]) -> Any:
        assert self._loop is not None
        try:
            if name == "Neonize":
                return self._neonize_thread(job, *args)
            return self._on_loop(job, getattr(self, f"_go_{name}")(*args))
        finally:
            try:
                self._loop.call_soon_threadsafe(self._finished, job)
            except RuntimeError:  # the loop is gone (teardown)
                job.finished = True

    def _finished(self, job: _Job) -> None:
        job.finished = True
        self._forget(job)

    def _forget(self, job: _Job) -> None:
        if job.finished and job.awaited:
            self._jobs.discard(job)

    def _on_loop(self, job: _Job, coro: Coroutine[Any, Any, Any]) -> Any:
        """Run a simulator coroutine from an export's thread and wait for it (parked)."""
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(self._parked(job, coro), self._loop).result()

    async def _parked(self, job: _Job, coro: Coroutine[Any, Any, Any]) -> Any:
        task = asyncio.current_task()
        assert task is not None
        self._waiting.add(task)
        job.parked = True
        try:
            return await coro
        finally:
            job.parked = False
            self._waiting.discard(task)

    def _neonize_thread(self, job: _Job, _db: bytes, uuid: bytes, *args: Any) -> bytes:
        """goneonize main.go Neonize on its thread: whatever the call does, it does from here
        (qrFuncCb, logStatusCb, CallbackFunction's callbacks), one at a time, in order."""
        qr_cb, login_cb, event_cb, _log_cb, subscribers, n_subscribers = args[4:10]
        codes = bytes(subscribers)[:n_subscribers]
        call = self._on_loop(job, self._go_start(uuid, codes, (qr_cb, login_cb, event_cb)))
        uuid_c = ctypes.create_string_buffer(uuid)
        done: asyncio.Future[None] | None = None
        while True:
            command: _Command = self._on_loop(job, self._next_command(call, done))
            if command.kind == "return":
                return command.payload
            if command.kind == "event":
                # 0.5.2 passes NULL, 0 for an empty payload (disassembled CallbackFunction)
                data = (ctypes.c_char * len(command.payload)).from_buffer_copy(command.payload) \
                    if command.payload else None
                address = ctypes.addressof(data) if data is not None else None
                event_cb(uuid, address, len(command.payload), command.code)
            else:
                text = ctypes.create_string_buffer(command.payload)
                callback = qr_cb if command.kind == "qr" else login_cb
                callback(ctypes.addressof(uuid_c), ctypes.addressof(text))
            done = command.done

    async def _next_command(self, call: _GoCall, done: asyncio.Future[None] | None) -> _Command:
        if done is not None and not done.done():
            done.set_result(None)
        command = await call.commands.get()
        if command.kind == "return":
            call.returned = True
            call.callbacks = (None, None, None)  # Go keeps C pointers, not Python references
        return command

    # --- the Go call (goneonize Neonize, whatsmeow underneath) -----------------------------

    async def _go_start(self, uuid: bytes, subscribers: bytes,
                        callbacks: tuple[Any, Any, Any]) -> _GoCall:
        """Neonize's start: StopSignal[uuid] and clients[uuid] are overwritten, so a call
        still live for this uuid is orphaned (no Stop can reach its context any more)."""
        self.connect_calls += 1
        previous = self._stop_signal.get(uuid)
        if previous is not None and not previous.returned:
            previous.orphaned = True
            self.orphaned_calls += 1
        call = _GoCall(uuid, frozenset(subscribers), callbacks, paired=self.paired)
        call.dial_idle.set()
        self._calls.append(call)
        self._stop_signal[uuid] = call
        self._clients[uuid] = call
        self._spawn(self._drive(call))
        return call

    async def _drive(self, call: _GoCall) -> None:
        text = ""
        try:
            text = await self._neonize(call)
        except Exception as exc:  # a simulator bug fails the test instead of hanging it
            self.errors.append(exc)
            text = f"simulator failure: {exc!r}"
        finally:
            call.state = "ended"
            call.commands.put_nowait(_Command("return", payload=text.encode()))

    async def _neonize(self, call: _GoCall) -> str:
        """main.go Neonize after setup: Connect() (a failed first connect is returned, never
        retried: InitialAutoReconnect is off), the QR loop when no session is stored, then
        CallbackFunction."""
        error = await self._dial(call)
        if error is not None:
            return error
        if not call.paired:
            outcome = await self._qr_loop(call)
            if outcome is None:  # emitQRs returned without closing qrChan: `range` never ends
                return await self._stuck(call)
            await self._deliver(call, _Command("status", payload=outcome.encode()))
            if not call.paired:  # FetchMe polls Store.ID every 100 ms for ever, ctx unseen
                return await self._stuck(call)
        return await self._callback_function(call)

    async def _stuck(self, call: _GoCall) -> str:
        call.state = "stuck"
        await call.released.wait()
        return ""

    async def _dial(self, call: _GoCall) -> str | None:
        """client.go ConnectContext → unlockedConnect (holding socketLock): reset the expected
        disconnect, dial (socket/framesocket.go), start keepAliveLoop."""
        call.dial_idle.clear()
        call.expected.clear()
        try:
            if self._network == "down":
                return DIAL_ERROR
            if self._network == "hang":
                call.dial_until = self.clock.elapsed + self.dial_timeout_s
                await self.clock.sleep(self.dial_timeout_s)
                return HANG_ERROR
            call.socket_up = True
            call.epoch += 1
            self._spawn(self._keepalive(call, call.epoch))
            return None
        finally:
            call.dial_idle.set()

    async def _qr_loop(self, call: _GoCall) -> str | None:
        """qrchan.go: events.QR brings 6 codes (pair.go handleIQ); emitQRs shows the first for
        60 s, the others 20 s each, then closes the channel with "timeout" and calls Disconnect
        (expected: no event). handleEvent closes it early: PairSuccess "success", Disconnected
        "timeout", ClientOutdated "err-client-outdated". An expected disconnect (Disconnect,
        Stop) makes emitQRs return WITHOUT closing it: None."""
        call.state = "qr"
        if self._verdict == ("outdated",):
            self._connect_failure(call, 10, pb.ClientOutdated())
            return "err-client-outdated"
        codes = [self._qr_code() for _ in range(QR_CODES)]
        self._emit(call, 1, pb.QR(Codes=codes))
        for index, code in enumerate(codes):
            if call.qr_wake.is_set():
                break
            await self._deliver(call, _Command("qr", payload=code.encode()))
            await self._wait_for(call.qr_wake, QR_FIRST_S if index == 0 else QR_NEXT_S)
        if not call.qr_wake.is_set():
            call.qr_outcome = "timeout"
            self._socket_down(call, expected=True)
        return call.qr_outcome

    def _pair(self, call: _GoCall) -> None:
        """pair.go handlePair: Store.ID and LID saved, PairSuccess (goneonize EncodePairSuccess),
        the QR channel closes with "success"."""
        self.paired = call.paired = True
        self.lid_to_pn[self.lid] = self.phone
        self._emit(call, 2, pb.PairStatus(ID=self._own_jid(), BusinessName="", Platform="android",
                                          Status=pb.PairStatus.SUCCESS))
        call.qr_outcome = "success"
        call.qr_wake.set()

    def _login(self, call: _GoCall) -> None:
        """The server's answer on a fresh socket (connectionevents.go): <failure> for a banned,
        outdated or unlinked session, else handleConnectSuccess: Connected, then the offline
        backlog. The server closes any other socket of this session [assumed; whatsmeow
        events.go StreamReplaced: "another client connecting with the same keys"]."""
        if not call.socket_up:
            return
        verdict = self._verdict
        if verdict is not None and verdict[0] == "ban":
            until = verdict[2]
            if until is not None and until <= self.clock.elapsed:
                self._verdict = verdict = None
            else:
                expire = int(until - self.clock.elapsed) if until is not None else 0
                ban = pb.TemporaryBan(Expire=expire)
                if verdict[1] in BAN_CODES:
                    ban.Code = BAN_CODES[verdict[1]]
                self._connect_failure(call, 8, ban)
                return
        if verdict == ("outdated",):
            self._connect_failure(call, 10, pb.ClientOutdated())
            return
        if verdict is not None and verdict[0] == "logged_out":
            self._verdict = None
            self._delete_session(call)
            self._connect_failure(call, 6, pb.LoggedOut(OnConnect=True,
                                                        Reason=LOGOUT_REASONS[verdict[1]]))
            return
        for other in self._calls:
            if other is not call and other.logged_in:
                self._replaced(other)
        call.logged_in = True
        call.reconnect_errors = 0
        self._emit(call, 3, pb.Connected(status=True))
        self._flush_backlog(call)

    def _connect_failure(self, call: _GoCall, code: int, event: Proto) -> None:
        """connectionevents.go handleConnectFailure: expectDisconnect, then the event."""
        self._socket_down(call, expected=True)
        self._emit(call, code, event)
        if call.state == "qr" and code == 10:
            call.qr_outcome = "err-client-outdated"
            call.qr_wake.set()

    def _replaced(self, call: _GoCall) -> None:
        self._socket_down(call, expected=True)
        self._emit(call, 7, pb.StreamReplaced())

    def _delete_session(self, call: _GoCall) -> None:
        """store/store.go Device.Delete: ID and LID cleared, every store answers
        ErrDeviceDeleted."""
        self.paired = call.paired = False
        call.store_deleted = True

    async def _callback_function(self, call: _GoCall) -> str:
        """main.go CallbackFunction: FetchMe's Device as code 0, then the event channel in
        order, each delivery finished before the next, until the context is cancelled. The
        server's answer to the login (after pairing: to the reconnect its stream:error 515
        asks for) comes after FetchMe has read the store."""
        call.state = "callback"
        await self._deliver(call, _Command("event", 0, self._device(call).SerializeToString()))
        self._login(call)
        while not call.cancelled:
            if not call.channel:
                call.wake.clear()
                await call.wake.wait()
                continue
            code, event = call.channel.popleft()
            if not event.IsInitialized():  # proto.Marshal refuses a missing required field
                # protobuf-go's text (its "proto:" prefix may be followed by a no-break space)
                missing = event.FindInitializationErrors()[0]
                return f"proto: required field {event.DESCRIPTOR.full_name}.{missing} not set"
            await self._deliver(call, _Command("event", code, event.SerializeToString()))
        return ""

    def _emit(self, call: _GoCall, code: int, event: Proto) -> None:
        """Neonize's eventHandler: an event is queued on the call's channel only if a handler
        for its code was registered before connect() (the subscriber list)."""
        if code in call.subscribers:
            call.channel.append((code, event))
            call.wake.set()

    async def _deliver(self, call: _GoCall, command: _Command) -> None:
        command.done = asyncio.get_running_loop().create_future()
        call.commands.put_nowait(command)
        await command.done

    def _socket_down(self, call: _GoCall, *, expected: bool) -> None:
        """client.go Disconnect (expected=True: expectDisconnect, no event) or the socket's
        end; an expected disconnect also stops emitQRs without closing the QR channel."""
        if expected:
            call.expected.set()
            if call.state == "qr":
                call.qr_wake.set()
        call.socket_up = call.logged_in = False
        call.epoch += 1

    def _closed_by_server(self, call: _GoCall) -> None:
        """client.go onDisconnect(remote): unless expected, Disconnected and autoReconnect."""
        was_expected = call.expected.is_set()
        self._socket_down(call, expected=False)
        if was_expected:
            return
        self._emit(call, 12, pb.Disconnected(status=True))
        if call.state == "qr":
            call.qr_outcome = "timeout"
            call.qr_wake.set()
        self._spawn(self._auto_reconnect(call))

    async def _auto_reconnect(self, call: _GoCall) -> None:
        """client.go autoReconnect: wait AutoReconnectErrors x 2 s (counting up, no cap), redial,
        until connected; an expected disconnect ends it; never without a stored session."""
        if not call.paired:
            return
        while True:
            delay = call.reconnect_errors * RECONNECT_STEP_S
            call.reconnect_errors += 1
            if await self._wait_for(call.expected, delay) or call.socket_up:
                return
            if await self._dial(call) is None:
                self._login(call)
                return
            if call.expected.is_set():
                return

    async def _keepalive(self, call: _GoCall, epoch: int) -> None:
        """keepalive.go keepAliveLoop: a ping every 20-30 s, answered within 10 s, or
        KeepAliveTimeout(ErrorCount, LastSuccess); an answer after failures brings
        KeepAliveRestored; over 3 min without one: Disconnect (no event), autoReconnect."""
        last_success = self.clock()
        errors = 0
        while True:
            await self.clock.sleep(KEEPALIVE_S)
            if call.epoch != epoch:
                return
            if self._network != "up":
                await self.clock.sleep(KEEPALIVE_DEADLINE_S)
                if call.epoch != epoch:
                    return
            if self._network == "up":
                if errors:
                    errors = 0
                    self._emit(call, 5, pb.KeepAliveRestored())
                    self._flush_backlog(call)
                last_success = self.clock()
                continue
            errors += 1
            self._emit(call, 4, pb.KeepAliveTimeout(
                ErrorCount=errors, LastSuccess=int(last_success.timestamp())))
            if (self.clock() - last_success).total_seconds() > KEEPALIVE_MAX_FAIL_S:
                self._socket_down(call, expected=True)
                call.expected.clear()
                self._spawn(self._auto_reconnect(call))
                return

    def _stop_now(self, uuid: bytes) -> None:
        """main.go Stop: clients[uuid].Disconnect() and delete it; StopSignal[uuid]() (cancels
        that call's context: only CallbackFunction looks at it) and delete it."""
        call = self._clients.pop(uuid, None)
        if call is not None:
            self._socket_down(call, expected=True)
        signal = self._stop_signal.pop(uuid, None)
        if signal is not None:
            signal.cancelled = True
            signal.wake.set()

    def _stop_direct(self, uuid: bytes, collected: bool) -> None:
        """Go Stop called on the caller's own thread (the _GocodeRouter cases)."""
        self.gc_stops += collected
        if self._closed or self._loop is None:
            return
        if threading.get_ident() != self._loop_thread:
            with contextlib.suppress(RuntimeError):  # the loop is gone
                self._loop.call_soon_threadsafe(self._stop_direct, uuid, False)
            return
        call = self._clients.get(uuid)
        if call is not None and not call.dial_idle.is_set():
            # Disconnect waits for socketLock, held by the dial: the loop's thread would block.
            self.loop_freezes.append(call.dial_until - self.clock.elapsed)
            self._spawn(self._go_Stop(uuid))
            return
        self._stop_now(uuid)

    # --- exports (loop side): each returns what goneonize's export returns --------------------

    async def _go_Stop(self, uuid: bytes) -> bytes:
        call = self._clients.get(uuid)
        if call is not None:
            await call.dial_idle.wait()
        self._stop_now(uuid)
        return b""

    async def _go_Disconnect(self, uuid: bytes) -> None:
        """main.go Disconnect: clients[uuid].Disconnect() (nil-safe in whatsmeow)."""
        call = self._clients.get(uuid)
        if call is not None:
            await call.dial_idle.wait()
            self._socket_down(call, expected=True)

    async def _go_IsConnected(self, uuid: bytes) -> bool:
        call = self._clients.get(uuid)
        return call is not None and call.socket_up

    async def _go_IsLoggedIn(self, uuid: bytes) -> bool:
        call = self._clients.get(uuid)
        return call is not None and call.logged_in

    async def _go_GetMe(self, uuid: bytes) -> bytes:
        """main.go GetMe: clients[uuid].Store, unguarded."""
        return self._device(self._client(uuid, "GetMe")).SerializeToString()

    async def _go_GetPNFromLID(self, uuid: bytes, data: bytes, _size: int) -> bytes:
        """main.go GetPNFromLID → sqlstore lidmap.go GetPNForLID: an unknown LID gives the empty
        JID and no error."""
        call = self._client(uuid, "GetPNFromLID")
        lid = pb.JID.FromString(data)
        result = pb.GetJIDFromStoreReturnFunction(Jid=EMPTY_JID)
        if call.store_deleted:
            result.Error = DEVICE_DELETED
        elif lid.Server != "lid":
            result.Error = f"invalid GetPNForLID call with non-LID JID {jid_text(lid)}"
        elif lid.User in self.lid_to_pn:
            result.Jid.CopyFrom(jid(self.lid_to_pn[lid.User], device=lid.Device))
        return result.SerializeToString()

    async def _go_SendMessage(self, uuid: bytes, to: bytes, _to_size: int, data: bytes,
                              _size: int) -> bytes:
        """main.go SendMessage → whatsmeow send.go SendMessage; the error travels as text
        (neonize raises SendMessageError). Sends are never echoed back as events."""
        result = pb.SendMessageReturnFunction()
        answer = await self._send(uuid, pb.JID.FromString(to), WAMessage.FromString(data))
        if isinstance(answer, str):
            result.Error = answer
        else:
            result.SendResponse.CopyFrom(answer)
        return result.SerializeToString()

    async def _send(self, uuid: bytes, to: pb.JID, message: WAMessage) -> pb.SendResponse | str:
        call = self._clients.get(uuid)
        if call is None:
            return CLIENT_IS_NIL
        if not call.paired:
            return NOT_LOGGED_IN
        target, group = jid_text(to), to.Server == "g.us"
        if self._fail_sends:
            text = self._fail_sends.popleft()
            await self.clock.sleep(SEND_TIMEOUT_S if text == SEND_TIMEOUT else self.send_delay_s)
            return text
        if not call.socket_up:  # the first step that needs the socket fails
            if target in call.warm:
                return f"failed to send message node: {NOT_CONNECTED}"
            return members_error(NOT_CONNECTED) if group else \
                f"failed to get device list: {NOT_CONNECTED}"
        info = self._group(target) if group else None
        if group and info is None:
            return members_error(GROUP_NOT_FOUND)
        if info is not None and not _member(info, self.lid, self.phone):
            return members_error(NOT_IN_GROUP)
        if self._network != "up":  # the stanza went into a dead socket: no ack comes
            await self.clock.sleep(SEND_TIMEOUT_S)
            return SEND_TIMEOUT
        await self.clock.sleep(self.send_delay_s)
        call.warm.add(target)
        kind, text, size = _describe(message)
        shown = info is None or not info.GroupAnnounce.IsAnnounce or _admin(info, self.lid)
        message_id = self._message_id("3EB0")  # send.go GenerateMessageID
        self.sent.append(Sent(target, kind, text, size, message_id, self.clock(), shown))
        return pb.SendResponse(  # encoder.go EncodeSendResponse: Timestamp in SECONDS
            Timestamp=int(self.clock().timestamp()), ID=message_id, ServerID=0,
            DebugTimings=pb.MessageDebugTimings(Queue=0, Marshal=0, GetParticipants=0,
                                                GetDevices=0, GroupEncrypt=0, PeerEncrypt=0,
                                                Send=0, Resp=0, Retry=0))

    async def _go_Upload(self, uuid: bytes, data: bytes, _size: int, _media_type: int) -> bytes:
        """main.go Upload → whatsmeow upload.go rawUpload (refreshMediaConn needs the socket)."""
        call = self._clients.get(uuid)
        result = pb.UploadReturnFunction(UploadResponse=pb.UploadResponse(
            url="", DirectPath="", Handle="", FileLength=0))
        if call is None or not call.socket_up:
            result.Error = MEDIA_CONN_ERROR + (CLIENT_IS_NIL if call is None else NOT_CONNECTED)
            return result.SerializeToString()
        path = self._media_path()
        self.media[path] = bytes(data)
        result.UploadResponse.CopyFrom(pb.UploadResponse(
            url=f"https://mmg.whatsapp.net{path}", DirectPath=path, Handle="",
            MediaKey=bytes(32), FileEncSHA256=hashlib.sha256(b"enc" + data).digest(),
            FileSHA256=hashlib.sha256(data).digest(), FileLength=len(data)))
        return result.SerializeToString()

    async def _go_DownloadAny(self, uuid: bytes, data: bytes, _size: int) -> bytes:
        """main.go DownloadAny → download.go DownloadAny/Download/DownloadMediaWithPath."""
        result = pb.DownloadReturnFunction()
        message = WAMessage.FromString(data)
        kind = next((k for k in _MEDIA_KINDS if message.HasField(k)), None)
        call = self._clients.get(uuid)
        path = getattr(message, kind).directPath if kind else ""
        if kind is None:
            result.Error = NOTHING_TO_DOWNLOAD
        elif call is None:
            result.Error = CLIENT_IS_NIL
        elif not path:
            result.Error = NO_URL
        elif not path.startswith("/"):
            result.Error = f"media download path does not start with slash: {path}"
        elif not call.socket_up:
            result.Error = MEDIA_CONN_ERROR + NOT_CONNECTED
        elif path in self.expired_media:
            result.Error = download_error(self.expired_media[path])
        elif path in self.media:
            result.Binary = self.media[path]
        else:
            raise LookupError(f"simulator: no media registered at {path}")
        return result.SerializeToString()

    async def _go_GetJoinedGroups(self, uuid: bytes) -> bytes:
        """main.go GetJoinedGroups → group.go GetJoinedGroups (an IQ: needs the socket)."""
        call = self._clients.get(uuid)
        result = pb.GetJoinedGroupsReturnFunction()
        if call is None or not call.socket_up:
            result.Error = CLIENT_IS_NIL if call is None else NOT_CONNECTED
        else:
            result.Group.extend(g for g in self.groups if _member(g, self.lid, self.phone))
        return result.SerializeToString()

    async def _go_GetGroupInfo(self, uuid: bytes, data: bytes, _size: int) -> bytes:
        """main.go GetGroupInfo → group.go getGroupInfo: IQ 404 → ErrGroupNotFound, 403 →
        ErrNotInGroup."""
        call = self._clients.get(uuid)
        target = jid_text(pb.JID.FromString(data))
        info = self._group(target)
        result = pb.GetGroupInfoReturnFunction()
        if call is None or not call.socket_up:
            result.Error = CLIENT_IS_NIL if call is None else NOT_CONNECTED
        elif info is None:
            result.Error = GROUP_NOT_FOUND
        elif not _member(info, self.lid, self.phone):
            result.Error = NOT_IN_GROUP
        else:
            call.warm.add(target)
            result.GroupInfo.CopyFrom(info)
        return result.SerializeToString()

    async def _go_PairPhone(self, uuid: bytes, data: bytes, _size: int) -> bytes:
        """main.go PairPhone → pair-code.go PairPhone: a fresh 8-character code per call."""
        params = pb.PairPhoneParams.FromString(data)
        call = self._clients.get(uuid)
        digits = re.sub(r"\D", "", params.phone)
        result = pb.PairPhoneReturnFunction()
        if call is None:
            result.Error = CLIENT_IS_NIL
        elif len(digits) <= 6:
            result.Error = PHONE_TOO_SHORT
        elif digits.startswith("0"):
            result.Error = PHONE_NOT_INTERNATIONAL
        elif not call.socket_up:
            result.Error = NOT_CONNECTED
        elif call.state != "qr":
            raise NotImplementedError("simulator: WhatsApp's answer to a pair-code request "
                                      "from a logged-in session is not known")
        else:
            code = "".join(self._rng.choice(_LINK_ALPHABET) for _ in range(8))
            call.pair_code = code = f"{code[:4]}-{code[4:]}"
            self.pair_codes.append(code)
            result.Code = code
        return result.SerializeToString()

    # --- helpers -----------------------------------------------------------------------------

    def _client(self, uuid: bytes, export: str) -> _GoCall:
        """clients[uuid] dereferenced without a check: nil (never connected, or after Stop)
        is a Go panic that would end the process."""
        call = self._clients.get(uuid)
        if call is None:
            self._panic(f"{export}: {NIL_POINTER}")
        return call

    def _panic(self, text: str) -> NoReturn:
        self.panics.append(text)
        raise GoPanic(text)

    def _device(self, call: _GoCall) -> pb.Device:
        """main.go FetchMe/GetMe: JID only while a session is stored; LID always encoded."""
        device = pb.Device(PushName=self.push_name if call.paired else "",
                           Platform="android" if call.paired else "", BussinessName="",
                           Initialized=call.paired, LID=EMPTY_JID)
        if call.paired:
            device.JID.CopyFrom(self._own_jid())
            device.LID.CopyFrom(jid(self.lid, "lid", self.device))
        return device

    def _own_jid(self) -> pb.JID:
        """Store.ID from pair-success: this companion's device number is part of it."""
        return jid(self.phone, device=self.device)

    def _qr_call(self) -> _GoCall | None:
        live = [c for c in self._calls if c.state == "qr" and c.socket_up and not c.qr_outcome]
        return live[-1] if live else None

    def _receiving_call(self) -> _GoCall | None:
        if self._network != "up":
            return None
        return next((c for c in reversed(self._calls) if c.logged_in and c.socket_up), None)

    def _flush_backlog(self, call: _GoCall) -> None:
        if self._receiving_call() is call:
            for event in self._backlog:
                self._emit(call, 17, event)
            self._backlog.clear()

    def _group(self, target: str) -> pb.GroupInfo | None:
        return next((g for g in self.groups if jid_text(g.JID) == target), None)

    def _qr_code(self) -> str:
        """pair.go makeQRData: ref,noise key,identity key,adv secret (base64)."""
        parts = [self._rng.randbytes(16).hex() for _ in range(4)]
        return "2@" + ",".join(parts)

    def _message_id(self, prefix: str) -> str:
        return prefix + self._rng.randbytes(9).hex().upper()

    def _media_path(self) -> str:
        return f"/v/t62.7118-24/{next(self._ids)}_{self._rng.randrange(10**9)}_n.enc?ccb=11-4"

    async def _wait_for(self, event: asyncio.Event, seconds: float) -> bool:
        """True if `event` is set within `seconds` of virtual time."""
        if event.is_set():
            return True
        waiter = asyncio.ensure_future(event.wait())
        sleeper = asyncio.ensure_future(self.clock.sleep(seconds))
        try:
            await asyncio.wait({waiter, sleeper}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            waiter.cancel()
            sleeper.cancel()
            await asyncio.gather(waiter, sleeper, return_exceptions=True)
        return event.is_set()

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            self.errors.append(task.exception())  # type: ignore[arg-type]


async def _cancel_all(tasks: set[asyncio.Task[Any]]) -> None:
    pending = list(tasks)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)


async def _real_wait(done: Callable[[], bool], limit_s: float = 5.0) -> None:
    """Teardown only: wait in real time for threads to come back."""
    give_up = time.monotonic() + limit_s
    while not done() and time.monotonic() < give_up:  # noqa: ASYNC110 - thread state
        await asyncio.sleep(0.002)


_MEDIA_KINDS = ("imageMessage", "videoMessage", "audioMessage", "documentMessage",
                "stickerMessage")


def _content(content: str | WAMessage) -> WAMessage:
    return WAMessage(conversation=content) if isinstance(content, str) else content


def _media_type(message: WAMessage) -> str:
    kind = next((k for k in _MEDIA_KINDS if message.HasField(k)), "")
    return kind.removesuffix("Message")


def _describe(message: WAMessage) -> tuple[str, str, int]:
    """What a send carried: kind, text or caption, media bytes."""
    if message.HasField("extendedTextMessage"):
        return "text", message.extendedTextMessage.text, 0
    if message.conversation:
        return "text", message.conversation, 0
    for kind in _MEDIA_KINDS:
        if message.HasField(kind):
            media = getattr(message, kind)
            return kind.removesuffix("Message"), getattr(media, "caption", ""), media.fileLength
    fields = message.ListFields()
    return (fields[0][0].name if fields else "empty"), "", 0


def _participant(lid: pb.JID, phone: pb.JID, *, admin: bool) -> pb.GroupParticipant:
    return pb.GroupParticipant(JID=lid, LID=lid, PhoneNumber=phone, IsAdmin=admin,
                               IsSuperAdmin=False, DisplayName="", Error=0)


def _member(info: pb.GroupInfo, lid: str, phone: str) -> bool:
    return any(p.LID.User == lid or p.PhoneNumber.User == phone for p in info.Participants)


def _admin(info: pb.GroupInfo, lid: str) -> bool:
    return any(p.LID.User == lid and p.IsAdmin for p in info.Participants)
