-- The delivery and timing core: due work, one outbox, DMs found closed, server presence.

-- Work that happens at a time. The dispatcher claims due rows, runs the handler
-- registered for `kind`, and marks them done, missed (with a reason) or failed.
CREATE TABLE jobs (
    id          INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL,
    key         TEXT    NOT NULL UNIQUE,      -- one pending job per key, e.g. poll-close:42
    guild_id    INTEGER,
    payload     TEXT    NOT NULL DEFAULT '{}',
    due_at      TEXT    NOT NULL,             -- ISO 8601 UTC
    state       TEXT    NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'running', 'done', 'missed', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    finished_at TEXT
) STRICT;
CREATE INDEX jobs_due ON jobs (state, due_at);

-- Every DM, channel post and message edit that is not a direct reply to an
-- interaction. A row is claimed, sent with nonce = id, then marked sent.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    dedupe_key      TEXT    UNIQUE,           -- enqueueing the same thing twice is a no-op
    kind            TEXT    NOT NULL CHECK (kind IN ('dm', 'post', 'edit')),
    guild_id        INTEGER,
    user_id         INTEGER,                  -- DM recipient
    channel_id      INTEGER,                  -- post or edit target
    message_id      INTEGER,                  -- edit target
    purpose         TEXT    NOT NULL DEFAULT 'service',
    batch           TEXT,                     -- a fan-out, for its summary
    payload         TEXT    NOT NULL,
    revision        INTEGER NOT NULL DEFAULT 0,  -- edits coalesce: newest payload wins
    urgent          INTEGER NOT NULL DEFAULT 0,
    retry_blocked   INTEGER NOT NULL DEFAULT 0,
    not_before      TEXT    NOT NULL,
    state           TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'sending', 'sent', 'skipped',
                                     'undeliverable', 'failed', 'cancelled')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT    NOT NULL,
    sent_at         TEXT,
    sent_message_id INTEGER,
    detail          TEXT
) STRICT;
CREATE INDEX outbox_due ON outbox (state, not_before);
CREATE INDEX outbox_batch ON outbox (batch, state);
CREATE INDEX outbox_recipient ON outbox (guild_id, user_id);

-- DMs found closed (403, code 50007): recorded once, never retried in a loop.
CREATE TABLE dm_blocked (
    guild_id INTEGER NOT NULL,
    user_id  INTEGER NOT NULL,
    since    TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id)
) STRICT;

-- Servers the bot is in, and when it was removed (erased 30 days later).
CREATE TABLE guild_presence (
    guild_id   INTEGER PRIMARY KEY,
    name       TEXT,
    joined_at  TEXT NOT NULL,
    removed_at TEXT
) STRICT;
