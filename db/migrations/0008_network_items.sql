-- Network-wide items: a poll, opportunity or meeting may be shared with every
-- server of its home server's network. `network_id` is set at posting time;
-- `item_copies` records the post in each server (for edits and results).

ALTER TABLE polls ADD COLUMN network_id INTEGER REFERENCES networks (id) ON DELETE SET NULL;
ALTER TABLE opportunities ADD COLUMN network_id INTEGER REFERENCES networks (id) ON DELETE SET NULL;
ALTER TABLE meetings ADD COLUMN network_id INTEGER REFERENCES networks (id) ON DELETE SET NULL;

CREATE TABLE item_copies (
    kind       TEXT    NOT NULL CHECK (kind IN ('poll', 'opportunity', 'meeting')),
    item_id    INTEGER NOT NULL,
    guild_id   INTEGER NOT NULL,                 -- the server this copy was posted in
    channel_id INTEGER NOT NULL,
    outbox_id  INTEGER,                          -- the outbox row that posts it
    PRIMARY KEY (kind, item_id, guild_id)
) STRICT;
