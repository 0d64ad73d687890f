-- Opportunities (rules 2, 7, 10): invitations to co-produce something, and each
-- member's own answer. A reply belongs to the answering member in their own
-- server (guild_id, user_id), so leaving erases it (ON DELETE CASCADE); in a
-- network that server may differ from the opportunity's home server.

CREATE TABLE opportunities (
    id             INTEGER PRIMARY KEY,
    guild_id       INTEGER NOT NULL,              -- the home server
    channel_id     INTEGER NOT NULL,              -- where it is posted
    title          TEXT    NOT NULL,
    description    TEXT    NOT NULL,
    when_text      TEXT,                          -- as typed, if it was not a date
    when_at        TEXT,                          -- ISO 8601 UTC, if it was
    places         INTEGER,                       -- NULL = no limit
    allocation     TEXT    NOT NULL DEFAULT 'first_come'
                   CHECK (allocation IN ('first_come', 'lottery')),
    payment        TEXT,                          -- payment / expenses note
    content_note   TEXT,
    closes_at      TEXT,                          -- ISO 8601 UTC; NULL = closed by hand
    state          TEXT    NOT NULL DEFAULT 'open'
                   CHECK (state IN ('open', 'closed', 'cancelled')),
    seed           INTEGER NOT NULL,              -- the lottery's draw is reproducible from it
    drawn_at       TEXT,
    posted_by      INTEGER,                       -- the organiser (told the fan-out summary)
    post_outbox_id INTEGER,
    message_id     INTEGER,
    invited        INTEGER,                       -- invitation DMs queued
    skipped_by_preference INTEGER,                -- members not invited (their choice)
    summary_sent   INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT    NOT NULL,
    closed_at      TEXT,                          -- closed or cancelled at
    answers_erased_at TEXT                        -- retention: replies gone
) STRICT;
CREATE INDEX opportunities_guild_state ON opportunities (guild_id, state);

CREATE TABLE opportunity_replies (
    opportunity_id    INTEGER NOT NULL REFERENCES opportunities (id) ON DELETE CASCADE,
    guild_id          INTEGER NOT NULL,           -- the member's own server
    user_id           INTEGER NOT NULL,
    state             TEXT    NOT NULL CHECK (state IN ('interested', 'declined', 'withdrawn')),
    place             TEXT    NOT NULL DEFAULT 'none'
                      CHECK (place IN ('confirmed', 'waitlisted', 'none')),
    seq               INTEGER,                    -- queue order (first_come: order of yes; lottery: draw)
    show_name_to_host INTEGER NOT NULL DEFAULT 1 CHECK (show_name_to_host IN (0, 1)),
    answered_at       TEXT    NOT NULL,
    PRIMARY KEY (opportunity_id, guild_id, user_id),
    FOREIGN KEY (guild_id, user_id) REFERENCES members (guild_id, user_id) ON DELETE CASCADE
) STRICT;
CREATE INDEX opportunity_replies_member ON opportunity_replies (guild_id, user_id);
