-- Service messages (rule 15) that came while someone was stepping back: never sent
-- then, kept here (one line each) for the summary they get when they come back, and
-- deleted once shown. `ends_at`: when the item starts; past it the line is left out.
CREATE TABLE held_messages (
    id       INTEGER PRIMARY KEY,
    guild_id INTEGER NOT NULL,
    user_id  INTEGER NOT NULL,
    summary  TEXT    NOT NULL,
    ends_at  TEXT,                                -- ISO 8601 UTC, or NULL
    held_at  TEXT    NOT NULL
) STRICT;
CREATE INDEX held_messages_member ON held_messages (guild_id, user_id);
