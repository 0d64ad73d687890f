-- Organisers' notes to the people who said yes: /opportunity message, /meeting message
-- (issue 20). A note is sent through the outbox (one DM each); what is kept here is only
-- that a note went, for the limit of 3 a day per item. No person, no text.
CREATE TABLE organiser_notes (
    id       INTEGER PRIMARY KEY,
    guild_id INTEGER NOT NULL,
    kind     TEXT    NOT NULL CHECK (kind IN ('opportunity', 'meeting')),
    item_key TEXT    NOT NULL,                    -- the opportunity's or meeting's id
    sent_at  TEXT    NOT NULL
) STRICT;
CREATE INDEX organiser_notes_item ON organiser_notes (kind, item_key, sent_at);

-- A note refused (empty, too long, over the day's limit) is kept so "Fix it" opens
-- the form again with what was typed. Deleted once sent, after a day, or when the
-- organiser leaves (db/drafts.py).
CREATE TABLE note_drafts (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,                  -- the organiser who typed it
    data       TEXT    NOT NULL,                  -- JSON: kind, item_key, note, contact
    created_at TEXT    NOT NULL
) STRICT;
