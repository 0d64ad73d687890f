-- Networks: several servers linked by their moderators (DESIGN.md, "Networks").
-- A server is in at most one network. Nothing here names a person.

CREATE TABLE networks (
    id                INTEGER PRIMARY KEY,
    name              TEXT    NOT NULL,
    founding_guild_id INTEGER NOT NULL,
    created_at        TEXT    NOT NULL
) STRICT;

CREATE TABLE network_members (
    network_id INTEGER NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
    guild_id   INTEGER NOT NULL UNIQUE,          -- one network per server
    joined_at  TEXT    NOT NULL,
    PRIMARY KEY (network_id, guild_id)
) STRICT;

-- One-time link codes; only a hash of the code is kept.
CREATE TABLE network_codes (
    code_hash  TEXT    PRIMARY KEY,
    network_id INTEGER NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
    created_at TEXT    NOT NULL,
    expires_at TEXT    NOT NULL,
    used_at    TEXT
) STRICT;

-- A server asking to join; a moderator of a server already in the network decides.
CREATE TABLE network_requests (
    id               INTEGER PRIMARY KEY,
    network_id       INTEGER NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
    guild_id         INTEGER NOT NULL,           -- the server asking
    guild_name       TEXT,
    requested_at     TEXT    NOT NULL,
    state            TEXT    NOT NULL DEFAULT 'pending'
                     CHECK (state IN ('pending', 'approved', 'refused', 'withdrawn')),
    decided_at       TEXT,
    decided_in_guild INTEGER
) STRICT;
CREATE INDEX network_requests_open ON network_requests (network_id, state);
