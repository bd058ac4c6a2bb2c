"""The Go call: goneonize main.go Neonize from start to return (dial, the QR loop when no
session is stored, then CallbackFunction delivering events in order), and pairing."""

from __future__ import annotations

import asyncio
from typing import Any

from neonize.proto import Neonize_pb2 as pb

from tests.wasim.connection import _Connection
from tests.wasim.records import _Command, _GoCall
from tests.wasim.whatsmeow import QR_CODES, QR_FIRST_S, QR_NEXT_S


class _GoCalls(_Connection):
    """goneonize Neonize, whatsmeow underneath."""

    async def _go_start(
        self, uuid: bytes, subscribers: bytes, callbacks: tuple[Any, Any, Any]
    ) -> _GoCall:
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

    def _qr_code(self) -> str:
        """pair.go makeQRData: ref,noise key,identity key,adv secret (base64)."""
        parts = [self._rng.randbytes(16).hex() for _ in range(4)]
        return "2@" + ",".join(parts)

    def _pair(self, call: _GoCall) -> None:
        """pair.go handlePair: Store.ID and LID saved, PairSuccess (goneonize EncodePairSuccess),
        the QR channel closes with "success"."""
        self.paired = call.paired = True
        self.lid_to_pn[self.lid] = self.phone
        self._emit(
            call,
            2,
            pb.PairStatus(
                ID=self._own_jid(),
                BusinessName="",
                Platform="android",
                Status=pb.PairStatus.SUCCESS,
            ),
        )
        call.qr_outcome = "success"
        call.qr_wake.set()

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

    async def _deliver(self, call: _GoCall, command: _Command) -> None:
        command.done = asyncio.get_running_loop().create_future()
        call.commands.put_nowait(command)
        await command.done
