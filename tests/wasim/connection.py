"""The whatsmeow socket of a Go call: dial, the server's answer to a login, keepalives,
autoReconnect, disconnects, goneonize Stop."""

from __future__ import annotations

from google.protobuf.message import Message as Proto
from neonize.proto import Neonize_pb2 as pb

from tests.wasim.records import _GoCall
from tests.wasim.state import _WorldState
from tests.wasim.whatsmeow import (
    BAN_CODES,
    DIAL_ERROR,
    HANG_ERROR,
    KEEPALIVE_DEADLINE_S,
    KEEPALIVE_MAX_FAIL_S,
    KEEPALIVE_S,
    LOGOUT_REASONS,
    RECONNECT_STEP_S,
)


class _Connection(_WorldState):
    """whatsmeow client.go, connectionevents.go and keepalive.go for each Go call's socket."""

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
            self._connect_failure(
                call, 6, pb.LoggedOut(OnConnect=True, Reason=LOGOUT_REASONS[verdict[1]])
            )
            return
        for other in self._calls:
            if other is not call and other.logged_in:
                self._replaced(other)
        call.logged_in = True
        call.reconnect_errors = 0
        self._emit(call, 3, pb.Connected(status=True))
        self._flush_backlog(call)

    def _flush_backlog(self, call: _GoCall) -> None:
        if self._receiving_call() is call:
            for event in self._backlog:
                self._emit(call, 17, event)
            self._backlog.clear()

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
            self._emit(
                call,
                4,
                pb.KeepAliveTimeout(ErrorCount=errors, LastSuccess=int(last_success.timestamp())),
            )
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
