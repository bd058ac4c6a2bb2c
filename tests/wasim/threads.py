"""The threads goneonize's exports run on: each call on a thread of the loop's default
executor (neonize's GoCode uses asyncio.to_thread), parked while it waits on the simulator;
Neonize's thread runs the ctypes callbacks; Go Stop called on the caller's own thread."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import threading
from collections.abc import Coroutine
from typing import Any

from tests.wasim.exports import _Exports
from tests.wasim.records import _Command, _GoCall, _Job


class _Threads(_Exports):
    """goneonize's exports on the threads neonize calls them from."""

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
                data = (
                    (ctypes.c_char * len(command.payload)).from_buffer_copy(command.payload)
                    if command.payload
                    else None
                )
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
