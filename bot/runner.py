"""Start a bot process: data dir -> lock -> logging -> app on a transport -> exit code.

Everything that can be wrong with the machine rather than the bot (disk full, read-only or
foreign data dir, damaged or newer database) ends the start with one line on stderr and exit
code 2 (USAGE: the owner must fix it; process managers do not restart it), not a traceback
and exit 1, which PM2 and systemd would restart in a loop.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from loguru import logger

from bot import datadir, exitcodes
from bot.app import App, serve
from bot.datadir import EnvironmentProblem
from bot.dbfaults import DatabaseProblem
from bot.lockfile import AlreadyRunning, InstanceLock
from bot.logsetup import FILE_ONLY, setup_logging
from bot.settings import Settings
from bot.shutdown import exit_if_threads_stuck, hard_exit, run_loop
from bot.transport.base import Transport
from bot.transport.console import DEFAULT_SELF, ConsoleTransport

LOCK_FILE = "bot.lock"
# OSErrors that mean the machine is at fault, wherever in the start they happen.
_ENVIRONMENT_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM)


def secure_data_dir(settings: Settings) -> str | None:
    """The session file holds the account's keys: a new data dir is created 0700 and every
    file in it 0600 (umask); an existing one is tightened only when it is ours alone.
    Returns a warning for the log when it is not."""
    os.umask(0o077)  # also covers files the Go side creates (session.db)
    try:
        return datadir.prepare(settings.data_dir)
    except OSError as exc:
        raise datadir.problem(settings.data_dir, exc) from None


def refuse(problem: Exception, *, logged: bool) -> int:
    """One line on stderr (and in the log file, when there is one); the exit code."""
    print(f"jadwal-bot: {problem}", file=sys.stderr)  # noqa: T201
    if logged:
        logger.bind(**{FILE_ONLY: True}).error("cannot run: {}", problem)
    transient = isinstance(problem, DatabaseProblem) and not problem.permanent
    return exitcodes.ERROR if transient else exitcodes.USAGE


def _open_data_dir(
    settings: Settings, stream: TextIO | None = None, stream_level: str | None = None
) -> InstanceLock:
    """The data dir, then the lock on it, then logging into it.

    Raises AlreadyRunning, or EnvironmentProblem (nothing of the bot's is left open then)."""
    warning = secure_data_dir(settings)
    lock = InstanceLock(settings.data_dir / LOCK_FILE)
    try:
        lock.acquire()
    except OSError as exc:
        raise datadir.problem(lock.path, exc) from None
    try:
        setup_logging(
            settings.log_level, settings.log_dir, stream=stream, stream_level=stream_level
        )
    except OSError as exc:
        lock.release()
        raise datadir.problem(settings.log_dir, exc) from None
    if warning:
        logger.warning(warning)
    return lock


def _as_problem(error: Exception, settings: Settings) -> Exception | None:
    """A failure (in practice: of the start) that the owner must act on, or None for a bug."""
    if isinstance(error, DatabaseProblem | EnvironmentProblem):
        return error
    if (
        isinstance(error, sqlite3.DatabaseError)
        and (problem := DatabaseProblem.from_error(settings.db_path, error)).fault
    ):
        return problem
    if isinstance(error, OSError) and error.errno in _ENVIRONMENT_ERRNOS:
        where = Path(error.filename) if isinstance(error.filename, str) else settings.data_dir
        return datadir.problem(where, error)
    return None


def _run(
    settings: Settings,
    make_transport: Callable[[], Transport],
    stream: TextIO | None = None,
    stream_level: str | None = None,
) -> int:
    try:
        lock = _open_data_dir(settings, stream, stream_level)
    except AlreadyRunning as running:
        print(f"jadwal-bot: {running}", file=sys.stderr)  # noqa: T201
        return exitcodes.ALREADY_RUNNING
    except EnvironmentProblem as problem:
        return refuse(problem, logged=False)
    try:
        code = run_loop(serve(App(settings, make_transport()), process=True))
    except Exception as error:
        owners_fault = _as_problem(error, settings)
        if owners_fault is not None:
            code = refuse(owners_fault, logged=True)
        else:
            logger.exception("jadwal-bot stopped by an unexpected error")
            code = exitcodes.ERROR
    finally:
        lock.release()
    logger.info("exit code {}", code)
    return code


def run_console(settings: Settings) -> int:
    # The console types as a phone number: the first owner given as one, else a demo number.
    owner = next((o for o in settings.owners if "@" not in o), DEFAULT_SELF)
    # stdout is the chat; logs go to stderr (warnings and worse) and to data/logs/.
    return _run(
        settings,
        lambda: ConsoleTransport(settings.data_dir, self_number=owner, tz=settings.timezone),
        stream=sys.stderr,
        stream_level="WARNING",
    )


def run_whatsapp(settings: Settings) -> int:
    _library_env(settings)

    def transport() -> Transport:
        # Imported once logging is set up: loading neonize's Go library costs ~0.3 s and
        # ~60 MB, and neonize configures stdlib logging when first imported.
        from bot.transport.whatsapp.reconnect import ReconnectPolicy
        from bot.transport.whatsapp.transport import WhatsAppTransport

        policy = ReconnectPolicy(
            initial=settings.reconnect_initial_s,
            cap=settings.reconnect_max_s,
            max_failed_connects=settings.max_failed_connects,
        )
        return WhatsAppTransport(
            settings.data_dir, settings.timezone, settings.owners, settings.pair_phone, policy
        )

    code = _run(settings, transport)
    exit_if_threads_stuck(code)
    return code


INTERRUPTED = 130  # the shell's code for a command ended by Ctrl-C


def run_doctor(settings: Settings, *, send: bool, send_group: bool, timeout_s: float) -> int:
    """Check the real WhatsApp setup; needs the session to itself (the bot must be stopped)."""
    _library_env(settings)
    try:
        # Warnings and worse on stderr: stdout is the table.
        lock = _open_data_dir(settings, sys.stderr, "WARNING")
    except EnvironmentProblem as problem:
        return refuse(problem, logged=False)
    except AlreadyRunning as running:
        print(  # noqa: T201
            f"jadwal-bot doctor: the bot is running ({running}).\n"
            "Stop it first (pm2 stop jadwal-bot / systemctl stop jadwal-bot): a second "
            "connection would take the session away from it. /status in the chat shows "
            "the running bot's state.",
            file=sys.stderr,
        )
        return exitcodes.ALREADY_RUNNING
    from bot.transport.whatsapp.doctor import Options, api_check, diagnose, table

    try:
        checks = run_loop(diagnose(settings, Options(send, send_group, timeout_s)))
        checks.append(api_check(settings))
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
