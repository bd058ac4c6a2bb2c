"""The data dir before anything is opened in it: created owner-only, checked for a usable
disk, and a one-line reason for the owner when the environment is at fault."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from bot.dbfaults import RESTORE_HINT, DatabaseProblem, Fault

# Below this much free space the bot does not start: SQLite's WAL, the log and a photo need
# room, and a write failing half-way is worse than not starting.
MIN_FREE_BYTES = 1 << 20
PRIVATE_FILES = ("session.db", "bot.db")  # the account's keys; the queue
# What a start leaves only after bot.db was opened and its schema written: a 0-byte bot.db
# next to one of these is a queue that was lost (a file system repair, a failed copy,
# `> bot.db`), not a new one; so is one with a bot.db-wal. The lock and logs/ prove nothing:
# they are made before bot.db.
USED_MARKS = ("session.db", "outbox.jsonl", "heartbeat.json", "media")


class EnvironmentProblem(Exception):
    """The machine, not the bot, is at fault; the message is one line with what to do."""


def prepare(directory: Path) -> str | None:
    """Create `directory` 0700 if it is new, else tighten it when it is ours alone.

    Returns a warning for the log when an existing shared directory is left as it is; raises
    EnvironmentProblem when the directory cannot be used. Call with umask 077 set.
    """
    if directory.is_dir():
        _check_writable(directory)
        _check_space(directory, directory)
        return _tighten(directory)
    if (dangling := dangling_link(directory)) is not None:
        raise dangling
    _check_space(directory, _nearest_existing(directory))
    try:
        directory.mkdir(mode=0o700, parents=True)
    except FileExistsError:
        if not directory.is_dir():
            raise problem(directory, OSError(errno.ENOTDIR, "not a directory")) from None
        # else created meanwhile by another start: the lock decides which one runs
    except OSError as exc:
        raise problem(directory, exc) from None
    return None


def problem(path: Path, exc: OSError) -> EnvironmentProblem:
    """What an OSError on `path` (in or under the data dir) means, and what to do."""
    denied = (
        f"permission denied for this user (uid {os.geteuid()}): run the bot as the "
        "user that owns the data dir, or chown it to this user"
    )
    what = {
        errno.ENOSPC: "the disk is full: free some space (df -h), then start again",
        errno.EDQUOT: "this user's disk quota is used up: free some space, then start again",
        errno.EROFS: "the file system is read-only: remount it read-write, or point "
        "JADWAL_DATA_DIR at a writable directory",
        errno.EACCES: denied,
        errno.EPERM: denied,
        errno.ENOTDIR: "a part of the path is a file, not a directory: choose another "
        "JADWAL_DATA_DIR",
    }.get(exc.errno or 0)
    return EnvironmentProblem(f"cannot use {path}: {what or exc.strerror or exc}")


def dangling_link(directory: Path) -> EnvironmentProblem | None:
    """`directory`, or a directory above it, is a symbolic link to nothing: most often a disk
    that is not mounted. None when there is no such link."""
    for candidate in (directory, *directory.parents):
        try:
            if not candidate.is_symlink() or candidate.exists():
                continue
            target = candidate.parent / os.readlink(candidate)
        except OSError:
            continue
        which = "it" if candidate == directory else str(candidate)
        return EnvironmentProblem(
            f"cannot use {directory}: {which} points to {target}, which does not exist (not "
            "mounted?): mount it or create it, or point JADWAL_DATA_DIR elsewhere"
        )
    return None


def emptied_database(db_path: Path) -> DatabaseProblem | None:
    """A 0-byte bot.db in a data dir that has been used before (USED_MARKS), or None."""
    try:
        if db_path.stat().st_size != 0:
            return None
    except OSError:
        return None
    marks = (*USED_MARKS, f"{db_path.name}-wal")
    found = [name for name in marks if (db_path.parent / name).exists()]
    if not found:
        return None
    return DatabaseProblem(
        db_path,
        Fault.CORRUPT,
        (
            f"the database {db_path} is empty (0 bytes) although this data dir has been used "
            f"before ({', '.join(found)}): its queue is lost; the bot will not use it. Move it "
            f"aside (mv {db_path} {db_path}.broken) and {RESTORE_HINT}, or delete it to start "
            "with an empty queue"
        ),
    )


def _nearest_existing(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path.cwd()


def _check_space(directory: Path, existing: Path) -> None:
    """`existing`: the directory itself, or its nearest parent that exists (same disk)."""
    try:
        fs = os.statvfs(existing)
    except OSError:
        return  # nothing to measure on: creating the directory will say what is wrong
    free = fs.f_bavail * fs.f_frsize
    if free < MIN_FREE_BYTES:
        raise EnvironmentProblem(
            f"cannot use {directory}: the disk is full ({free // 1024} kB free, the bot needs "
            f"at least {MIN_FREE_BYTES // 1024} kB): free some space (df -h), then start again"
        )


def _check_writable(directory: Path) -> None:
    if os.access(directory, os.W_OK | os.X_OK):
        return
    code = errno.EROFS if os.statvfs(directory).f_flag & os.ST_RDONLY else errno.EACCES
    raise problem(directory, OSError(code, os.strerror(code)))


def _tighten(directory: Path) -> str | None:
    """0700 on the dir and 0600 on its private files, but only on a dir that is ours alone:
    a shared one (world-writable or sticky, like /tmp, or someone else's) is left as it is."""
    info = directory.stat()
    shared = info.st_mode & (stat.S_ISVTX | stat.S_IWOTH) or info.st_uid != os.geteuid()
    if shared:
        return (
            f"data dir {directory} is shared (mode {stat.filemode(info.st_mode)}, owner "
            f"uid {info.st_uid}); its permissions are left as they are, so others may be "
            "able to read the WhatsApp session in it. Use a private directory owned by "
            f"this user (uid {os.geteuid()}) as JADWAL_DATA_DIR"
        )
    try:
        if stat.S_IMODE(info.st_mode) != 0o700:
            directory.chmod(0o700)
        for name in PRIVATE_FILES:
            _tighten_file(directory / name)
    except OSError as exc:
        raise problem(directory, exc) from None
    return None


def _tighten_file(path: Path) -> None:
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    if info.st_uid == os.geteuid() and stat.S_IMODE(info.st_mode) & 0o077:
        path.chmod(0o600)
