-- Reading typed times as people mean them (issue 29).
-- How a server writes numeric dates: 'day_first' (01/02 is 1 February, the default)
-- or 'month_first' (01/02 is 2 January); set with /setup timezone date_order:.
ALTER TABLE guild_settings ADD COLUMN date_order TEXT NOT NULL DEFAULT 'day_first'
    CHECK (date_order IN ('day_first', 'month_first'));

-- A poll or an opportunity typed but not yet posted: read back with Post it / Change
-- (as meeting_drafts), kept here so the buttons still work after a restart. Deleted
-- when posted, after a day, or when the organiser leaves.
CREATE TABLE poll_drafts (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,                  -- the organiser who typed it
    data       TEXT    NOT NULL,                  -- JSON: question, options, settings
    created_at TEXT    NOT NULL
) STRICT;

CREATE TABLE opportunity_drafts (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,                  -- the organiser who typed it
    data       TEXT    NOT NULL,                  -- JSON: title, description, when, ...
    created_at TEXT    NOT NULL
) STRICT;
