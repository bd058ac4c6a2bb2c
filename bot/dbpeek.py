"""Read-only peeks into bot.db for command-line tools that must not start the bot."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path


def stored_settings(db_path: Path) -> dict[str, str]:
    """The settings table (timezone, destination, ...); empty when there is no usable DB.

    Opened read-only: as_uri() percent-encodes '#', '?' and '%' in the path, and closing()
    really closes (a connection's own `with` only commits).
    """
    if not db_path.is_file():
        return {}
    try:
        uri = f"{db_path.resolve().as_uri()}?mode=ro"
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as db:
            return {str(k): str(v) for k, v in db.execute("SELECT key, value FROM settings")}
    except sqlite3.Error:
        return {}
