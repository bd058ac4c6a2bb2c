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
    # 4: several groups per post: one delivery per group, each with its own state; the post's
    # status sums them up. The group and send columns of posts move into deliveries (blanked
    # on posts: kept only so that the table need not be rebuilt). Media get a kind, and a
    # document the file name it is sent with.
    """
    CREATE TABLE deliveries (
        id               INTEGER PRIMARY KEY AUTOINCREMENT,
        post_id          INTEGER NOT NULL REFERENCES posts (id),
        position         INTEGER NOT NULL,
        destination      TEXT NOT NULL,
        destination_name TEXT NOT NULL DEFAULT '',
        status           TEXT NOT NULL CHECK (status IN
                         ('pending','sending','sent','failed','cancelled','missed','uncertain')),
        updated_at       TEXT NOT NULL,
        sent_at          TEXT,
        wa_message_id    TEXT,
        last_error       TEXT,
        UNIQUE (post_id, destination),
        UNIQUE (post_id, position)
    );
    CREATE INDEX deliveries_status ON deliveries (status, post_id);
    INSERT INTO deliveries (post_id, position, destination, destination_name, status,
                            updated_at, sent_at, wa_message_id, last_error)
        SELECT id, 0, destination, destination_name, status, updated_at, sent_at,
               wa_message_id, last_error
        FROM posts ORDER BY id;
    ALTER TABLE post_events ADD COLUMN delivery_id INTEGER REFERENCES deliveries (id);
    UPDATE post_events SET delivery_id =
        (SELECT d.id FROM deliveries d WHERE d.post_id = post_events.post_id)
        WHERE from_status IS NOT NULL AND from_status != to_status;
    UPDATE posts SET destination = '', destination_name = '', sent_at = NULL,
                     wa_message_id = NULL, last_error = NULL;
    ALTER TABLE posts ADD COLUMN media_kind TEXT
        CHECK (media_kind IN ('image','video','document','audio','voice'));
    ALTER TABLE posts ADD COLUMN media_filename TEXT;
    UPDATE posts SET media_kind = 'image' WHERE media_path IS NOT NULL;
    """,
    # 5: a post may mention every member of its groups ("@semua"), or be a poll (its spec as
    # bot.pollspec.PollSpec.to_text()); the bot's replies that name a post, so that a reply
    # to one of them acts on that post
    """
    ALTER TABLE posts ADD COLUMN mention_all INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE posts ADD COLUMN poll TEXT;
    CREATE TABLE bot_replies (
        message_id TEXT PRIMARY KEY,
        post_id    INTEGER NOT NULL REFERENCES posts (id),
        at         TEXT NOT NULL
    );
    """,
)
