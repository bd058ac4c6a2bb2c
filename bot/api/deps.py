"""What the API's routes are given: the bot's services and how to tell it is running."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from aiohttp import web

from bot.context import Services


@dataclass
class DropCount:
    """Connection drops seen so far. The transport keeps only the latest ones
    (ConnectionState.drops); each read adds those newer than the newest counted before."""

    total: int = 0
    newest: datetime | None = None

    def add(self, drops: tuple[datetime, ...]) -> int:
        fresh = [at for at in drops if self.newest is None or at > self.newest]
        if fresh:
            self.total += len(fresh)
            self.newest = max(fresh)
        return self.total


@dataclass(frozen=True)
class Deps:
    services: Services
    running: Callable[[], bool]  # started and not stopping (bot.app.App)
    heartbeat: Path  # the heartbeat file `python -m bot health` reads (bot.health)
    token: str | None = field(repr=False)  # None: no token asked (a loopback address only)
    drops: DropCount = field(default_factory=DropCount)


DEPS = web.AppKey("deps", Deps)


def deps(request: web.Request) -> Deps:
    return request.app[DEPS]
