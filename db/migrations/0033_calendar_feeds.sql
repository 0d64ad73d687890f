-- Calendar feeds (issue 26): a member's private subscription address for meetings.
-- The address holds a random token; only its SHA-256 is kept here, so a copy of the
-- database cannot be used to read anyone's calendar. One link per member per server:
-- "Make a new link" replaces the row, so the old address stops working (404).
-- scope 'mine' = meetings they said Going or Maybe to; 'all' = every meeting here.
-- Leaving erases the row (the personal data registry; the cascade is a second net).
CREATE TABLE calendar_feeds (
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    token_hash TEXT    NOT NULL UNIQUE,           -- hex SHA-256 of the token in the address
    scope      TEXT    NOT NULL DEFAULT 'mine' CHECK (scope IN ('mine', 'all')),
    created_at TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id),
    FOREIGN KEY (guild_id, user_id) REFERENCES members (guild_id, user_id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
