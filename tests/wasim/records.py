"""The simulator's records: what WhatsApp accepted (Sent), and the state of each goneonize
Neonize() call, of the threads inside its exports and of the commands its thread carries out."""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from google.protobuf.message import Message as Proto
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import Message as WAMessage

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
    message: WAMessage | None = None  # the waE2E.Message as whatsmeow was given it


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
