-- Outcomes (issue 23): "you said, we did", followed through. An outcome belongs to one
-- item (a poll, an idea or an opportunity): what was decided, a status, an optional
-- progress and "by when", a review date that comes back to organisers, and a dated
-- timeline of updates. Outcomes hold no person's id or name (not even the organiser
-- who wrote an update) and retention does not erase them: they are the record of
-- what was done. Who was told an update is the outbox's own once-only key.
CREATE TABLE outcomes (
    id             INTEGER PRIMARY KEY,
    guild_id       INTEGER NOT NULL,               -- the item's home server
    item_kind      TEXT    NOT NULL CHECK (item_kind IN ('poll', 'idea', 'opportunity')),
    item_id        INTEGER NOT NULL,
    title          TEXT    NOT NULL,               -- the item's title when recorded (kept if it goes)
    statement      TEXT    NOT NULL,               -- what was decided (current wording)
    status         TEXT    NOT NULL DEFAULT 'planned'
                   CHECK (status IN ('planned', 'in_progress', 'done', 'delayed', 'not_going_ahead')),
    progress       INTEGER CHECK (progress BETWEEN 0 AND 100),
    by_when        TEXT,                           -- as typed
    review_on      TEXT,                           -- YYYY-MM-DD in the server's zone; NULL when done
    reminded_for   TEXT,                           -- the review date whose reminder was posted
    reminder_outbox_id INTEGER,                    -- that reminder's outbox row
    created_at     TEXT    NOT NULL,
    last_update_at TEXT    NOT NULL,
    UNIQUE (item_kind, item_id)
) STRICT;
CREATE INDEX outcomes_guild ON outcomes (guild_id, last_update_at);

-- The timeline: the first record, then each update (what has happened, as it was then).
CREATE TABLE outcome_updates (
    id         INTEGER PRIMARY KEY,
    outcome_id INTEGER NOT NULL REFERENCES outcomes (id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL CHECK (kind IN ('recorded', 'update', 'reopened')),
    body       TEXT    NOT NULL,                   -- what has happened (current wording)
    status     TEXT    NOT NULL
               CHECK (status IN ('planned', 'in_progress', 'done', 'delayed', 'not_going_ahead')),
    progress   INTEGER CHECK (progress BETWEEN 0 AND 100),
    by_when    TEXT,
    review_on  TEXT,
    posted_at  TEXT    NOT NULL,
    told       INTEGER,                            -- DMs queued for it (NULL: not yet, or none)
    told_at    TEXT                                -- when they were queued: once per update (rule 10)
) STRICT;
CREATE INDEX outcome_updates_outcome ON outcome_updates (outcome_id, id);

-- /outcome correct: the earlier wording stays on the timeline, marked with its date.
CREATE TABLE outcome_corrections (
    id           INTEGER PRIMARY KEY,
    outcome_id   INTEGER NOT NULL REFERENCES outcomes (id) ON DELETE CASCADE,
    update_id    INTEGER REFERENCES outcome_updates (id) ON DELETE CASCADE,
    field        TEXT    NOT NULL CHECK (field IN ('statement', 'body', 'by_when')),
    earlier      TEXT,
    corrected_at TEXT    NOT NULL
) STRICT;
CREATE INDEX outcome_corrections_outcome ON outcome_corrections (outcome_id, id);

-- Polls' outcomes recorded before this (one statement each) become outcomes: planned,
-- reviewed three months after they were recorded.
INSERT INTO outcomes (guild_id, item_kind, item_id, title, statement, status, by_when,
                      review_on, created_at, last_update_at)
    SELECT guild_id, 'poll', id, question, outcome_text, 'planned', outcome_by,
           date(outcome_at, '+3 months'), outcome_at, outcome_at
    FROM polls WHERE outcome_text IS NOT NULL;
INSERT INTO outcome_updates (outcome_id, kind, body, status, by_when, review_on, posted_at, told_at)
    SELECT id, 'recorded', statement, 'planned', by_when, review_on, created_at, created_at
    FROM outcomes;
