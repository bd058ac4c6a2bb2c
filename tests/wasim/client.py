"""neonize's side: SimClient (neonize's own NewAClient) with goneonize replaced underneath, and
the two places neonize reaches Go without it (its module-level `gocode`)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

import neonize.aioze.client as neonize_client
from neonize.aioze import events as neonize_events
from neonize.aioze.client import NewAClient
from neonize.proto.waCompanionReg.WAWebProtobufsCompanionReg_pb2 import DeviceProps

if TYPE_CHECKING:
    from tests.wasim.world import WhatsAppSim


def reset_event_loop() -> None:
    """neonize keeps the first loop it sees (aioze/events.py set_event_loop); each test has its
    own loop, so forget the last one before and after a test."""
    neonize_events.event_global_loop = None


class _SimGoCode:
    """Stands in for neonize's `async_gocode` (aioze/client.py GoCode.__getattr__): an export,
    called with goneonize's arguments, returns an awaitable running it on a default-executor
    thread. An export the simulator does not know fails loudly."""

    def __init__(self, world: WhatsAppSim) -> None:
        self._world = world

    def __getattr__(self, name: str) -> Callable[..., Coroutine[Any, Any, Any]]:
        if name.startswith("_"):
            raise AttributeError(name)
        if name != "Neonize" and not hasattr(type(self._world), f"_go_{name}"):
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
