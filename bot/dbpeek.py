"""Read-only looks into bot.db for command-line tools that must not start the bot: `queue`
(the backup), `parse` and `doctor`. Nothing under the data dir is created or changed, so
they also work on a read-only or full disk, and in a data dir of another user they may read.

SQLite 3.40, measured: `mode=ro` on a WAL database creates bot.db-wal and bot.db-shm when
they are missing and leaves them behind; on a full disk it then fails ("disk I/O error",
SQLITE_IOERR_SHMSIZE) and on a read-only one it cannot open the file at all. With no WAL
content (the bot stopped cleanly) the database file alone is the whole queue, and
`immutable=1` reads it touching nothing. With WAL content (the bot is running, or stopped
without closing) `mode=ro` reads it through the existing -wal and -shm files.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from bot.datadir import emptied_database
from bot.dbfaults import QUICK_CHECK, DatabaseProblem, refuse_unusable
from bot.models import MediaKind, Post


@contextlib.contextmanager
def read_only(db_path: Path) -> Iterator[sqlite3.Connection]:
    """bot.db opened for reading only; raises sqlite3.Error (or OSError from stat)."""
    wal = db_path.with_name(db_path.name + "-wal")
    in_wal = wal.exists() and wal.stat().st_size > 0
    # as_uri() percent-encodes '#', '?' and '%' in the path.
    uri = f"{db_path.resolve().as_uri()}?mode=ro{'' if in_wal else '&immutable=1'}"
    # closing() really closes (a connection's own `with` only commits).
    with contextlib.closing(sqlite3.connect(uri, uri=True)) as db:
        db.row_factory = sqlite3.Row
        yield db


def stored_settings(db_path: Path) -> dict[str, str]:
    """The settings table (timezone, destination, ...); empty when there is no usable DB."""
    if not db_path.is_file():
        return {}
    try:
        with read_only(db_path) as db:
            return _settings(db)
    except (sqlite3.Error, OSError):
        return {}


def read_queue(db_path: Path) -> tuple[list[Post], dict[str, str]]:
    """Every post (by id) and the stored settings, as `python -m bot queue` prints them.

    A database of an older version is read as it is (the columns it lacks are empty); none
    yet is an empty queue. Raises DatabaseProblem for a file that is damaged, emptied, from
    a newer version or unreadable.
    """
    if not db_path.is_file():
        return [], {}
    if (emptied := emptied_database(db_path)) is not None:
        raise emptied
    try:
        with read_only(db_path) as db:
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
            refuse_unusable(db_path, version=version)
            if version == 0:
                return [], {}
            refuse_unusable(db_path, findings=[str(r[0]) for r in db.execute(QUICK_CHECK)])
            return _posts(db), _settings(db)
    except sqlite3.Error as error:
        raise DatabaseProblem.from_error(db_path, error) from error
    except OSError as error:
        raise DatabaseProblem(
            db_path, None, f"cannot read the database {db_path}: {error.strerror or error}"
        ) from error


def _posts(db: sqlite3.Connection) -> list[Post]:
    from bot.storebase import DELIVERY_COLUMNS, POST_COLUMNS, posts_from_rows

    present = {str(r["name"]) for r in db.execute("PRAGMA table_info(posts)")}
    # Columns added by a later schema version read as empty (NULL) in an older file.
    columns = ", ".join(
        name if name in present else f"NULL AS {name}" for name in POST_COLUMNS.split(", ")
    )
    posts = db.execute(f"SELECT {columns} FROM posts ORDER BY id").fetchall()
    if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'deliveries'").fetchone():
        deliveries = db.execute(f"SELECT {DELIVERY_COLUMNS} FROM deliveries").fetchall()
    else:  # before several groups (version 3 and older): the post's one group, on its row
        deliveries = db.execute(
            "SELECT id, id AS post_id, 0 AS position, destination, destination_name, status,"
            " updated_at, sent_at, wa_message_id, last_error FROM posts"
        ).fetchall()
    older = "media_kind" not in present
    return [
        replace(p, media_kind=MediaKind.IMAGE) if older and p.media_path else p
        for p in posts_from_rows(posts, deliveries)
    ]


def _settings(db: sqlite3.Connection) -> dict[str, str]:
    return {str(k): str(v) for k, v in db.execute("SELECT key, value FROM settings")}
