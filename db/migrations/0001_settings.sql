-- Server settings and bot bookkeeping.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE guild_settings (
    guild_id                 INTEGER PRIMARY KEY,
    organiser_role_id        INTEGER,
    announce_role_id         INTEGER,
    announcements_channel_id INTEGER,
    moderators_channel_id    INTEGER,
    timezone                 TEXT    NOT NULL DEFAULT 'Europe/London',
    support_text             TEXT,
    notice_text              TEXT,
    notice_version           INTEGER NOT NULL DEFAULT 1,
    split_by_group           INTEGER NOT NULL DEFAULT 0,
    retention_months         INTEGER NOT NULL DEFAULT 12,
    updated_at               TEXT    NOT NULL
) STRICT;
