"""Start a bot process: settings -> logging -> lock -> app on a transport -> exit code."""

from __future__ import annotations

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
from bot.shutdown import exit_if_threads_stuck, hard_exit, run_loop
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
        return run_loop(serve(App(settings, make_transport()), process=True))
    except Exception:
        logger.exception("jadwal-bot stopped by an unexpected error")
        return exitcodes.ERROR
    finally:
        lock.release()


def run_console(settings: Settings) -> int:
    # stdout is the chat; logs go to stderr (warnings and worse) and to data/logs/.
    setup_logging(settings.log_level, settings.log_dir, stream=sys.stderr,
                  stream_level="WARNING")
    # The console types as a phone number: the first owner given as one, else a demo number.
    owner = next((o for o in settings.owners if "@" not in o), DEFAULT_SELF)
    return _run(settings, lambda: ConsoleTransport(settings.data_dir, self_number=owner,
                                                   tz=settings.timezone))


def run_whatsapp(settings: Settings) -> int:
    _library_env(settings)
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
    exit_if_threads_stuck(code)
    return code


INTERRUPTED = 130  # the shell's code for a command ended by Ctrl-C


def run_doctor(settings: Settings, *, send: bool, send_group: bool, timeout_s: float) -> int:
    """Check the real WhatsApp setup; needs the session to itself (the bot must be stopped)."""
    _library_env(settings)
    secure_data_dir(settings)
    # Warnings and worse on stderr: stdout is the table.
    setup_logging(settings.log_level, settings.log_dir, stream=sys.stderr,
                  stream_level="WARNING")
    lock = InstanceLock(settings.data_dir / "bot.lock")
    try:
        lock.acquire()
    except AlreadyRunning as running:
        print(f"jadwal-bot doctor: the bot is running ({running}).\n"  # noqa: T201
              "Stop it first (pm2 stop jadwal-bot / systemctl stop jadwal-bot): a second "
              "connection would take the session away from it. /status in the chat shows "
              "the running bot's state.", file=sys.stderr)
        return exitcodes.ALREADY_RUNNING
    from bot.transport.whatsapp.doctor import Options, diagnose, table

    try:
        checks = run_loop(diagnose(settings, Options(send, send_group, timeout_s)))
    except KeyboardInterrupt:
        # A Go call may still be live on a worker thread; Python would wait for it at exit.
        lock.release()
        hard_exit(INTERRUPTED, "doctor interrupted")
    finally:
        lock.release()
    print(table(checks))  # noqa: T201
    code = exitcodes.OK if all(c.ok for c in checks) else exitcodes.ERROR
    exit_if_threads_stuck(code)
    return code


def _library_env(settings: Settings) -> None:
    """Before anything else in a WhatsApp process: the environment neonize's Go side reads at
    load (this may restart the process once, same pid), then its log levels."""
    from bot.transport.whatsapp import neonize_env

    neonize_env.reexec_with_library_env()
    neonize_env.prepare(settings.log_level)
