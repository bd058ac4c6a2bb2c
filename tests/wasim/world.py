"""WhatsAppSim, the world tests hold: the client factory, the network, what WhatsApp's servers
do to the session (drops, bans, logouts, pairing), counters, teardown."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import neonize.aioze.client as neonize_client
from neonize.proto import Neonize_pb2 as pb
from neonize.proto.waCompanionReg.WAWebProtobufsCompanionReg_pb2 import DeviceProps

from tests.wasim.chats import _Chats
from tests.wasim.client import SimClient, _router
from tests.wasim.records import _GoCall
from tests.wasim.threads import _Threads
from tests.wasim.whatsmeow import LOGOUT_REASONS


class WhatsAppSim(_Chats, _Threads):
    """WhatsApp's servers and goneonize/whatsmeow for one account, on a VirtualClock.

    Actions (drop_connection, incoming, scan_qr...) are plain calls from the test; their events
    reach handlers once the loop runs (`await clock.settle()` or `clock.advance(...)`).
    """

    # Constructed by _WorldState.__init__ (state.py); messages, photos and groups: _Chats
    # (chats.py); the Go side: _Threads and the layers under it (threads.py).

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
        """ "up"; "down": dials fail at once; "hang": dials fail after dial_timeout_s. A live
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

    def fail_next_group_info(self, text: str) -> None:
        """The next GetGroupInfo answers with this whatsmeow error text, after request.go's
        defaultRequestTimeout (75 s) for IQ_TIMEOUT (the IQ got no answer), at once for others."""
        self._fail_group_infos.append(text)

    def fail_next_presence(self, text: str) -> None:
        """The next SendPresence answers with this whatsmeow error text (neonize raises
        SendPresenceError with it)."""
        self._fail_presences.append(text)

    def fail_next_chat_presence(self, text: str) -> None:
        """The next SendChatPresence answers with this whatsmeow error text (neonize raises
        SendPresenceError with it)."""
        self._fail_chat_presences.append(text)

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

    def _qr_call(self) -> _GoCall | None:
        live = [c for c in self._calls if c.state == "qr" and c.socket_up and not c.qr_outcome]
        return live[-1] if live else None


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
