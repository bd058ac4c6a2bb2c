"""Start a bot process: settings -> logging -> lock -> app on a transport -> exit code."""

from __future__ import annotations

import asyncio
import sys

from loguru import logger

from bot import exitcodes
from bot.app import App, serve
from bot.lockfile import AlreadyRunning, InstanceLock
from bot.logsetup import setup_logging
from bot.settings import Settings
from bot.transport.console import DEFAULT_SELF, ConsoleTransport


def run_console(settings: Settings) -> int:
    # stdout is the chat; logs go to stderr (warnings and worse) and to data/logs/.
    setup_logging(settings.log_level, settings.log_dir, stream=sys.stderr,
                  stream_level="WARNING")
    lock = InstanceLock(settings.data_dir / "bot.lock")
    try:
        lock.acquire()
    except AlreadyRunning as running:
        print(f"jadwal-bot: {running}", file=sys.stderr)  # noqa: T201
        return exitcodes.ALREADY_RUNNING
    try:
        owner = settings.owners[0] if settings.owners else DEFAULT_SELF
        app = App(settings, ConsoleTransport(settings.data_dir, self_number=owner,
                                                  tz=settings.timezone))
        return asyncio.run(serve(app))
    except Exception:
        logger.exception("jadwal-bot stopped by an unexpected error")
        return exitcodes.ERROR
    finally:
        lock.release()
