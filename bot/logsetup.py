"""loguru to a stream and a rotating file in data/logs/; stdlib logging routed into it."""

from __future__ import annotations

import contextlib
import errno
import inspect
import logging
import logging.handlers
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from loguru import logger

if TYPE_CHECKING:
    from loguru import Record

_FORMAT = "{time:YYYY-MM-DD HH:mm:ss.SSS} | {level: <7} | {name}:{line} | {message}"
# Records bound with this key go to the log file only: what the process also prints to
# stderr itself (a refused start) would otherwise appear twice there.
FILE_ONLY = "file_only"
LOG_FILE = "jadwal-bot.log"
ROTATE_BYTES = 10 * 1024 * 1024
KEEP_FILES = 5  # older files kept beside the current one: jadwal-bot.log.1 ... .5


def _not_file_only(record: Record) -> bool:
    return not record["extra"].get(FILE_ONLY)


class _InterceptHandler(logging.Handler):
    """Send records of stdlib loggers (neonize, apscheduler, aiosqlite) to loguru."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            level: str | int = logger.level(record.levelname).name
        except ValueError:
            level = record.levelno
        frame, depth = inspect.currentframe(), 0
        while frame and (depth == 0 or frame.f_code.co_filename == logging.__file__):
            frame = frame.f_back
            depth += 1
        logger.opt(depth=depth, exception=record.exc_info).log(level, record.getMessage())


class LogFile(logging.handlers.RotatingFileHandler):
    """The log file, rotated at ROTATE_BYTES, as a loguru sink (loguru takes a logging.Handler:
    loguru/_simple_sinks.py StandardSink hands it the line it has formatted).

    A write that fails (the disk is full) costs one line on stderr, and the first write that
    works again one more; the lines in between are not in the file. loguru's own file sink
    cannot do that: its handler catches whatever a sink raises (loguru/_handler.py, Handler.emit,
    `except Exception: if not self._error_interceptor.should_catch(): raise`) and, with the
    default catch=True, prints "--- Logging error in Loguru Handler #N ---", the whole record
    and a traceback to stderr for every line (_error_interceptor.py, ErrorInterceptor.print):
    74 such blocks for 74 lines logged on a full tmpfs (measured). catch=False would raise into
    the code that logs instead. So this sink never lets an OSError reach loguru.
    """

    def __init__(self, path: Path) -> None:
        """Raises OSError when the file cannot be opened."""
        super().__init__(path, maxBytes=ROTATE_BYTES, backupCount=KEEP_FILES, encoding="utf-8")
        self.setFormatter(_Formatted())
        self._failed = False  # the record being written failed
        self.lost = 0  # lines not written since the file last took one

    def emit(self, record: logging.LogRecord) -> None:
        self._failed = False
        super().emit(record)  # calls handleError on a failure, never raises
        if self.lost and not self._failed:
            _say(
                f"the log file {self.baseFilename} is written again; {self.lost} log "
                "line(s) could not be written to it meanwhile"
            )
            self.lost = 0

    def handleError(self, record: logging.LogRecord) -> None:
        error = sys.exc_info()[1]
        if not isinstance(error, OSError):
            super().handleError(record)  # not the file: logging's own report
            return
        self._failed = True
        self.lost += 1
        if self.lost == 1:
            _say(
                f"cannot write the log file {self.baseFilename} ({_why(error)}); log lines "
                "are not kept there until it can be written again"
            )

    def close(self) -> None:
        with contextlib.suppress(OSError):  # the flush of what a full disk did not take
            super().close()


class _Formatted(logging.Formatter):
    """The line (and traceback) as loguru formatted it; the handler adds the newline."""

    def format(self, record: logging.LogRecord) -> str:
        return record.getMessage().removesuffix("\n")


def _why(error: OSError) -> str:
    name = errno.errorcode.get(error.errno or 0, "")
    why = f"{error.strerror or error} [{name}]" if name else str(error)
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        why += ": free some space there (df -h)"
    return why


def _say(line: str) -> None:
    """One line on stderr, written directly: logging it would come back to this sink."""
    if sys.stderr is None:
        return
    try:
        sys.stderr.write(f"jadwal-bot: {line}\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def setup_logging(
    level: str, log_dir: Path | None, stream: TextIO | None = None, stream_level: str | None = None
) -> LogFile | None:
    """Raises OSError when the log directory or file cannot be created."""
    logger.remove()
    logger.add(
        stream or sys.stdout,
        level=stream_level or level,
        format=_FORMAT,
        backtrace=False,
        diagnose=False,
        filter=_not_file_only,
    )
    log_file = None
    if log_dir is not None:
        log_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        log_file = LogFile(log_dir / LOG_FILE)
        logger.add(
            log_file, level=level, format=_FORMAT, backtrace=False, diagnose=False, enqueue=False
        )
    logging.basicConfig(handlers=[_InterceptHandler()], level=logging.INFO, force=True)
    for noisy in ("apscheduler", "aiosqlite"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return log_file
