-- Meetings and reminders (DESIGN.md "Meetings and reminders"; rules 3, 10, 11, 14).
-- A meeting is a series stored as local wall time + IANA zone + rule, so 18:00
-- stays 18:00 across clock changes; occurrences and reminder times are worked
-- out from it in UTC. RSVPs are per occurrence ('*' = every meeting in the series).

CREATE TABLE meetings (
    id               INTEGER PRIMARY KEY,
    guild_id         INTEGER NOT NULL,            -- the meeting's home server
    title            TEXT    NOT NULL,
    place            TEXT,                        -- a room, an address or a link
    start_local      TEXT    NOT NULL,            -- naive wall time of the first meeting, ISO
    zone             TEXT    NOT NULL,            -- IANA zone the wall time is in
    rule             TEXT    NOT NULL CHECK (rule IN ('none', 'weekly', 'fortnightly', 'monthly')),
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes > 0),
    reminder_offsets TEXT    NOT NULL DEFAULT '1440,60',  -- minutes before; '' = none
    channel_id       INTEGER NOT NULL,            -- where it is posted
    post_outbox_id   INTEGER,                     -- the outbox row of the post
    message_id       INTEGER,                     -- the post, once sent
    shown_occ_key    TEXT,                        -- the occurrence the post shows now
    discord_event    INTEGER NOT NULL DEFAULT 0 CHECK (discord_event IN (0, 1)),
    event_id         INTEGER,                     -- the Discord scheduled event, if made
    state            TEXT    NOT NULL DEFAULT 'scheduled'
                     CHECK (state IN ('scheduled', 'cancelled')),
    revision         INTEGER NOT NULL DEFAULT 0,  -- bumped by each edit (dedupes change notices)
    created_at       TEXT    NOT NULL,
    cancelled_at     TEXT
) STRICT;
CREATE INDEX meetings_guild_state ON meetings (guild_id, state);

-- Going / Maybe / Can't make it, per occurrence. occ_key is the occurrence's rule
-- wall time (e.g. 20261203T180000), or '*' for "all in this series" (an answer for
-- one occurrence overrides it). Leaving erases these (cascade).
CREATE TABLE meeting_rsvps (
    meeting_id  INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    occ_key     TEXT    NOT NULL,
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('going', 'maybe', 'no')),
    show_name   INTEGER NOT NULL DEFAULT 0 CHECK (show_name IN (0, 1)),
    answered_at TEXT    NOT NULL,                 -- reminders due before this are not sent
    PRIMARY KEY (meeting_id, occ_key, guild_id, user_id),
    FOREIGN KEY (guild_id, user_id) REFERENCES members (guild_id, user_id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
CREATE INDEX meeting_rsvps_member ON meeting_rsvps (guild_id, user_id);

-- Per occurrence: reminders due up to this instant have been handled (sent,
-- superseded or missed). A re-run after a crash starts from the same mark and
-- enqueues with the same dedupe keys, so nothing is doubled.
CREATE TABLE meeting_occurrences (
    meeting_id     INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    occ_key        TEXT    NOT NULL,
    reminded_until TEXT    NOT NULL,              -- ISO 8601 UTC
    PRIMARY KEY (meeting_id, occ_key)
) STRICT, WITHOUT ROWID;

-- A meeting typed but not yet posted: echoed back with Post it / Change, kept here
-- so the buttons still work after a restart. Deleted when posted or after a day.
CREATE TABLE meeting_drafts (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,                  -- the organiser who typed it
    data       TEXT    NOT NULL,                  -- JSON: title, start, rule, ...
    created_at TEXT    NOT NULL
) STRICT;
