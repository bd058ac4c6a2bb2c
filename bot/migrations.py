"""Schema versions, applied in order at start. Never edit a shipped step: append a new one."""

MIGRATIONS: tuple[str, ...] = (
    # 1: posts, their state history, and key/value settings
    """
    CREATE TABLE posts (
        id               INTEGER PRIMARY KEY AUTOINCREMENT,
        status           TEXT NOT NULL CHECK (status IN
                         ('pending','sending','sent','failed','cancelled','missed','uncertain')),
        due_at           TEXT NOT NULL,
        text             TEXT NOT NULL DEFAULT '',
        media_path       TEXT,
        media_mime       TEXT,
        destination      TEXT NOT NULL,
        destination_name TEXT NOT NULL DEFAULT '',
        created_at       TEXT NOT NULL,
        updated_at       TEXT NOT NULL,
        sent_at          TEXT,
        wa_message_id    TEXT,
        last_error       TEXT
    );
    CREATE INDEX posts_status_due ON posts (status, due_at, id);
    CREATE TABLE post_events (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        post_id     INTEGER NOT NULL REFERENCES posts (id),
        at          TEXT NOT NULL,
        from_status TEXT,
        to_status   TEXT NOT NULL,
        reason      TEXT
    );
    CREATE INDEX post_events_post ON post_events (post_id, id);
    CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
    # 2: notices for the owner, kept until WhatsApp has taken them
    """
    CREATE TABLE notices (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at TEXT NOT NULL,
        text       TEXT NOT NULL,
        sent_at    TEXT
    );
    CREATE INDEX notices_unsent ON notices (sent_at, id);
    """,
    # 3: repeating posts: each occurrence is a post; the series is the id of its first one
    """
    ALTER TABLE posts ADD COLUMN repeat_rule TEXT;
    ALTER TABLE posts ADD COLUMN series_id INTEGER;
    CREATE INDEX posts_series ON posts (series_id, id);
    """,
)
