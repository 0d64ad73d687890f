-- Polls (rules 8, 9, 10): polls and their options, who has voted (apart from
-- how), ballots, and the per-poll secret that links a voter to a ballot only
-- while the poll is open.

CREATE TABLE polls (
    id              INTEGER PRIMARY KEY,
    guild_id        INTEGER NOT NULL,             -- the poll's home server
    kind            TEXT    NOT NULL CHECK (kind IN ('single', 'multi', 'ranked', 'points')),
    question        TEXT    NOT NULL,
    max_choices     INTEGER,                      -- multi only; NULL = as many as you like
    anonymous       INTEGER NOT NULL CHECK (anonymous IN (0, 1)),
    results         TEXT    NOT NULL CHECK (results IN ('live', 'at_close')),
    closes_at       TEXT,                         -- ISO 8601 UTC; NULL = closed by hand
    content_note    TEXT,
    reasons         INTEGER NOT NULL DEFAULT 0 CHECK (reasons IN (0, 1)),
    channel_id      INTEGER NOT NULL,             -- where the poll is posted
    post_outbox_id  INTEGER,                      -- the outbox row of the poll message
    message_id      INTEGER,                      -- the poll message, once sent
    state           TEXT    NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
    created_at      TEXT    NOT NULL,
    closed_at       TEXT,
    turnout         INTEGER,                      -- frozen at close
    result_json     TEXT,                         -- the tally, frozen at close
    breakdown_json  TEXT,                         -- the suppressed group breakdown, frozen at close
    results_outbox_id INTEGER,                    -- the results message
    outcome_text    TEXT,                         -- "you said, we did"
    outcome_by      TEXT,
    outcome_at      TEXT,
    answers_erased_at TEXT                        -- retention: ballots gone, totals kept
) STRICT;
CREATE INDEX polls_guild_state ON polls (guild_id, state);

CREATE TABLE poll_options (
    poll_id  INTEGER NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,                    -- 0-based, in the order typed
    label    TEXT    NOT NULL,
    PRIMARY KEY (poll_id, position)
) STRICT, WITHOUT ROWID;

-- "X has voted", kept apart from how (rule 8). Leaving erases it (cascade).
-- WITHOUT ROWID: rows sit in key order, so the table keeps no voting order.
CREATE TABLE poll_voters (
    poll_id  INTEGER NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    guild_id INTEGER NOT NULL,
    user_id  INTEGER NOT NULL,
    PRIMARY KEY (poll_id, guild_id, user_id),
    FOREIGN KEY (guild_id, user_id) REFERENCES members (guild_id, user_id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- The key that links a voter to their ballot while the poll is open, so they can
-- change their vote. Deleted at close (secure_delete zeroes it; the WAL is
-- checkpointed and truncated).
CREATE TABLE poll_secrets (
    poll_id INTEGER PRIMARY KEY REFERENCES polls (id) ON DELETE CASCADE,
    secret  BLOB NOT NULL
) STRICT;

-- How people voted. No timestamps, no rowid: the id is 128 random bits, and a
-- WITHOUT ROWID table is stored in id order, so neither ids nor row order say
-- when a ballot was cast. voter_key = HMAC-SHA256(poll secret, "guild:user"),
-- set to NULL at close. Named polls also carry who voted (erased on leaving).
CREATE TABLE ballots (
    id         TEXT    PRIMARY KEY,
    poll_id    INTEGER NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    voter_key  TEXT,
    guild_id   INTEGER,                           -- named polls only
    user_id    INTEGER,                           -- named polls only
    voter_name TEXT,                              -- named polls only: the name shown then
    choice     TEXT    NOT NULL,                  -- JSON, see bot.domain.ballots
    reason     TEXT,
    grp        TEXT,                              -- self-described group at vote time; NULL after close
    FOREIGN KEY (guild_id, user_id) REFERENCES members (guild_id, user_id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX ballots_voter ON ballots (poll_id, voter_key);
CREATE INDEX ballots_member ON ballots (guild_id, user_id);
