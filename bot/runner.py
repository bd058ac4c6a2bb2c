"""Start a bot process: settings -> logging -> lock -> app on a transport -> exit code."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import Callable

from loguru import logger

from bot import exitcodes
from bot.app import App, serve
from bot.lockfile import AlreadyRunning, InstanceLock
from bot.logsetup import setup_logging
from bot.settings import Settings
from bot.transport.base import Transport
from bot.transport.console import DEFAULT_SELF, ConsoleTransport


def secure_data_dir(settings: Settings) -> None:
    """The session file holds the account's keys: owner-only data dir and files."""
    os.umask(0o077)  # also covers files the Go side creates (session.db)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    settings.data_dir.chmod(0o700)
    for name in ("session.db", "bot.db"):
        with contextlib.suppress(FileNotFoundError):
            (settings.data_dir / name).chmod(0o600)


def _run(settings: Settings, make_transport: Callable[[], Transport]) -> int:
    lock = InstanceLock(settings.data_dir / "bot.lock")
    try:
        lock.acquire()
    except AlreadyRunning as running:
        print(f"jadwal-bot: {running}", file=sys.stderr)  # noqa: T201
        return exitcodes.ALREADY_RUNNING
    try:
        return asyncio.run(serve(App(settings, make_transport())))
    except Exception:
        logger.exception("jadwal-bot stopped by an unexpected error")
        return exitcodes.ERROR
    finally:
        lock.release()


def run_console(settings: Settings) -> int:
    # stdout is the chat; logs go to stderr (warnings and worse) and to data/logs/.
    setup_logging(settings.log_level, settings.log_dir, stream=sys.stderr,
                  stream_level="WARNING")
    owner = settings.owners[0] if settings.owners else DEFAULT_SELF
    return _run(settings, lambda: ConsoleTransport(settings.data_dir, self_number=owner,
                                                   tz=settings.timezone))


def run_whatsapp(settings: Settings) -> int:
    secure_data_dir(settings)
    setup_logging(settings.log_level, settings.log_dir)
    # Imported here: loading neonize's Go library costs ~0.3 s and ~60 MB.
    from bot.transport.whatsapp.reconnect import ReconnectPolicy
    from bot.transport.whatsapp.transport import WhatsAppTransport

    policy = ReconnectPolicy(initial=settings.reconnect_initial_s,
                             cap=settings.reconnect_max_s,
                             max_failed_connects=settings.max_failed_connects)
    code = _run(settings, lambda: WhatsAppTransport(
        settings.data_dir, settings.timezone, settings.owners, settings.pair_phone, policy))
    logger.info("exit code {}", code)
    return code
