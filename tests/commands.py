"""The commands as the bot registers them, for tests that compare replies with declarations."""

from __future__ import annotations

import handlers
from bot.context import Command


def declared(name: str) -> Command:
    """The registered command typed as /`name` (its name or an alias)."""
    return next(c for c in handlers.all_commands() if name in (c.name, *c.aliases))


def usage(name: str) -> str:
    """Command `name`'s "Cara pakai" lines as its declaration renders them."""
    return declared(name).usage_text()
