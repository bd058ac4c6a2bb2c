"""loguru to a stream and a rotating file in data/logs/; stdlib logging routed into it."""

from __future__ import annotations

import inspect
import logging
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


def setup_logging(level: str, log_dir: Path | None, stream: TextIO | None = None,
                  stream_level: str | None = None) -> None:
    """Raises OSError when the log directory or file cannot be created."""
    logger.remove()
    logger.add(stream or sys.stdout, level=stream_level or level, format=_FORMAT,
               backtrace=False, diagnose=False, filter=_not_file_only)
    if log_dir is not None:
        log_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        logger.add(log_dir / "jadwal-bot.log", level=level, format=_FORMAT, rotation="10 MB",
                   retention=5, encoding="utf-8", backtrace=False, diagnose=False,
                   enqueue=False)
    logging.basicConfig(handlers=[_InterceptHandler()], level=logging.INFO, force=True)
    for noisy in ("apscheduler", "aiosqlite"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
