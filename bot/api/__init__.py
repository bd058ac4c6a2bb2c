"""The local HTTP API (README "HTTP API"): queue, list, cancel and send posts, read the
groups, health and metrics, from scripts on the bot's own machine.

It runs inside the bot's process and event loop (bot.app.App starts it when
JADWAL_API_LISTEN is set), on the services the chat commands use: a post queued here goes
through the same reading of times and groups and the same rules (bot.posts.PostService) as
/jadwal, and is refused with the same words. aiohttp is imported only when the API is on.
"""

from __future__ import annotations

from bot.api.server import ApiServer

__all__ = ["ApiServer"]
