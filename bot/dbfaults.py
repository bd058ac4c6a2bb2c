"""What a SQLite error means for the owner: which fault it is, and what to do about it.

SQLite's primary result codes (the low byte of `sqlite_errorcode`, sqlite3.h) name the fault
without reading its English text: BUSY/LOCKED (another connection holds the write lock beyond
busy_timeout), CORRUPT/NOTADB (damaged or not a database), FULL (disk full), READONLY,
CANTOPEN, IOERR (the OS refused a read or write: a failing disk, or a full one for the -shm
file).
"""

from __future__ import annotations

import errno
import sqlite3
from enum import StrEnum
from pathlib import Path

from bot.migrations import MIGRATIONS

RESTORE_HINT = (
    "restore the queue from a backup made with `python -m bot queue --json` "
    "using `python -m bot restore`"
)


class Fault(StrEnum):
    LOCKED = "locked"
    CORRUPT = "corrupt"
    FULL = "full"
    READ_ONLY = "read-only"
    CANNOT_OPEN = "cannot open"
    IO = "i/o error"


_CODES = {
    5: Fault.LOCKED,  # SQLITE_BUSY
    6: Fault.LOCKED,  # SQLITE_LOCKED
    8: Fault.READ_ONLY,  # SQLITE_READONLY
    10: Fault.IO,  # SQLITE_IOERR
    11: Fault.CORRUPT,  # SQLITE_CORRUPT
    13: Fault.FULL,  # SQLITE_FULL
    14: Fault.CANNOT_OPEN,  # SQLITE_CANTOPEN
    26: Fault.CORRUPT,  # SQLITE_NOTADB
}


def fault_of(error: BaseException) -> Fault | None:
    """The storage fault behind `error`, or None when it is no SQLite storage fault."""
    if not isinstance(error, sqlite3.Error):
        return None
    code = getattr(error, "sqlite_errorcode", None)
    return _CODES.get(code & 0xFF) if isinstance(code, int) else None


# What the OS says when the bot writes a file of its own (a photo into media/, say).
_OS_ERRORS = {
    errno.ENOSPC: Fault.FULL,
    errno.EDQUOT: Fault.FULL,
    errno.EROFS: Fault.READ_ONLY,
    errno.EACCES: Fault.READ_ONLY,
}


def storage_fault(error: BaseException) -> Fault | None:
    """The storage fault behind `error`, from SQLite or from the OS (full, read-only); None
    when it is neither."""
    if isinstance(error, OSError):
        return _OS_ERRORS.get(error.errno) if error.errno is not None else None
    fault = fault_of(error)
    # An error raised without a result code (by hand): SQLite's fixed text for SQLITE_FULL
    # (sqlite3ErrStr), which the unix VFS also returns for a write that hit ENOSPC.
    if (
        fault is None
        and isinstance(error, sqlite3.OperationalError)
        and "database or disk is full" in str(error)
    ):
        return Fault.FULL
    return fault


_ADVICE = {
    Fault.LOCKED: "another program holds its write lock (e.g. a `sqlite3` shell left open "
    "inside a transaction): close it; the bot tries again when restarted",
    Fault.CORRUPT: "the file is damaged; the bot will not use it. Move it aside "
    "(mv {path} {path}.broken) and " + RESTORE_HINT + ", or start with an empty queue",
    Fault.FULL: "the disk is full: free some space (df -h), then start again",
    Fault.READ_ONLY: "it cannot be written: make the data dir and its files writable by "
    "this user, or point JADWAL_DATA_DIR at a writable directory",
    Fault.CANNOT_OPEN: "check that the data dir exists and that this user may write it",
    Fault.IO: "the disk refused a read or write: check free space (df -h) and the disk "
    "(dmesg); if the file is damaged, " + RESTORE_HINT,
}


class DatabaseProblem(Exception):
    """bot.db cannot be used; the message is one line naming the file and what to do."""

    def __init__(self, path: Path, fault: Fault | None, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.fault = fault

    @property
    def permanent(self) -> bool:
        """A restart will not help (only a lock held by someone else may go away)."""
        return self.fault is not Fault.LOCKED

    @classmethod
    def from_error(cls, path: Path, error: sqlite3.Error) -> DatabaseProblem:
        fault = fault_of(error)
        advice = (
            _ADVICE[fault].format(path=path)
            if fault
            else "see the log; if the file is damaged, " + RESTORE_HINT
        )
        return cls(path, fault, f"cannot use the database {path} ({error}): {advice}")

    @classmethod
    def newer(cls, path: Path, version: int, known: int) -> DatabaseProblem:
        return cls(
            path,
            None,
            (
                f"the database {path} was written by a newer jadwal-bot (schema version "
                f"{version}; this version knows up to {known}); it was left untouched. Run the "
                f"newer version, or {RESTORE_HINT} into an empty data dir"
            ),
        )

    @classmethod
    def damaged(cls, path: Path, finding: str) -> DatabaseProblem:
        return cls(
            path,
            Fault.CORRUPT,
            f"the database {path} failed its integrity check "
            f"({finding}): {_ADVICE[Fault.CORRUPT].format(path=path)}",
        )


# Up to three findings of SQLite's page check; ["ok"] when there are none.
QUICK_CHECK = "PRAGMA quick_check(3)"


def refuse_unusable(
    path: Path, version: int | None = None, findings: list[str] | None = None
) -> None:
    """Raise DatabaseProblem for a schema `version` newer than this code knows, or for
    QUICK_CHECK `findings` other than ["ok"]; the same rule for the bot and `queue`."""
    if version is not None and version > len(MIGRATIONS):
        raise DatabaseProblem.newer(path, version, len(MIGRATIONS))
    if findings is not None and findings != ["ok"]:
        raise DatabaseProblem.damaged(path, "; ".join(findings))
