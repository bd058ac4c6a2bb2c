"""The world's state, built by WhatsAppSim's constructor, and the helpers every layer of
WhatsAppSim uses (the layers are listed in __init__.py)."""

from __future__ import annotations

import asyncio
import itertools
import random
from collections import deque
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, cast

from google.protobuf.message import Message as Proto
from neonize.proto import Neonize_pb2 as pb

from tests.vclock import VirtualClock
from tests.wasim.client import _router
from tests.wasim.protos import EMPTY_JID, jid
from tests.wasim.records import Sent, _GoCall, _Job
from tests.wasim.whatsmeow import HANG_DIAL_S

if TYPE_CHECKING:
    from tests.wasim.world import WhatsAppSim


class _WorldState:
    """WhatsApp's servers and goneonize/whatsmeow for one account: what tests set and read,
    and goneonize main.go's maps, the threads in its exports, the simulator's own tasks."""

    def __init__(
        self,
        clock: VirtualClock,
        *,
        phone: str = "6281234567890",
        lid: str = "98765432101234",
        device: int = 7,
        paired: bool = True,
        push_name: str = "Pemilik",
        seed: int = 1,
    ) -> None:
        self.clock = clock
        self.phone, self.lid, self.device, self.push_name = phone, lid, device, push_name
        self.paired = paired  # a session is stored in the database
        self._network = "up"
        self.dial_timeout_s = HANG_DIAL_S
        self.send_delay_s = 0.5
        self.groups: list[pb.GroupInfo] = []
        self.media: dict[str, bytes] = {}  # directPath -> bytes
        self.expired_media: dict[str, int] = {}  # directPath -> HTTP status (404 or 410)
        # directPath -> the media type its keys were derived for (protos.UPLOAD_TYPE_OF)
        self.media_types: dict[str, int] = {}
        self.lid_to_pn: dict[str, str] = {lid: phone}
        self.sent: list[Sent] = []
        self.presences: list[str] = []  # presence stanzas sent: "available", "unavailable"
        # chatstate stanzas sent: (chat as neonize passed it, "composing"/"paused", media)
        self.chat_presences: list[tuple[str, str, str]] = []
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
        self._fail_group_infos: deque[str] = deque()
        self._fail_presences: deque[str] = deque()
        self._fail_chat_presences: deque[str] = deque()
        self._verdict: tuple[Any, ...] | None = None
        self._jobs: set[_Job] = set()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._waiting: set[asyncio.Task[Any]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread = 0
        self._closed = False
        clock.add_busy_check(lambda: any(job.busy() for job in self._jobs))
        _router().worlds.append(cast("WhatsAppSim", self))  # only ever built as one

    def _device(self, call: _GoCall) -> pb.Device:
        """main.go FetchMe/GetMe: JID only while a session is stored; LID always encoded."""
        device = pb.Device(
            PushName=self.push_name if call.paired else "",
            Platform="android" if call.paired else "",
            BussinessName="",
            Initialized=call.paired,
            LID=EMPTY_JID,
        )
        if call.paired:
            device.JID.CopyFrom(self._own_jid())
            device.LID.CopyFrom(jid(self.lid, "lid", self.device))
        return device

    def _own_jid(self) -> pb.JID:
        """Store.ID from pair-success: this companion's device number is part of it."""
        return jid(self.phone, device=self.device)

    def _receiving_call(self) -> _GoCall | None:
        if self._network != "up":
            return None
        return next((c for c in reversed(self._calls) if c.logged_in and c.socket_up), None)

    def _emit(self, call: _GoCall, code: int, event: Proto) -> None:
        """Neonize's eventHandler: an event is queued on the call's channel only if a handler
        for its code was registered before connect() (the subscriber list)."""
        if code in call.subscribers:
            call.channel.append((code, event))
            call.wake.set()

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
