"""What the API's routes are given: the bot's services and how to tell it is running."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web

from bot.context import Services


@dataclass(frozen=True)
class Deps:
    services: Services
    running: Callable[[], bool]  # started and not stopping (bot.app.App)
    heartbeat: Path  # the heartbeat file `python -m bot health` reads (bot.health)
    token: str | None = field(repr=False)  # None: no token asked (a loopback address only)


DEPS = web.AppKey("deps", Deps)


def deps(request: web.Request) -> Deps:
    return request.app[DEPS]
