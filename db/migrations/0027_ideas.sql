-- Ideas (issue 22, rule 17): members raise what matters, others support it, and
-- organisers must answer one that reaches the server's threshold.

-- Where organisers are told (falls back to the moderators channel), and the rules.
ALTER TABLE guild_settings ADD COLUMN organisers_channel_id INTEGER;
ALTER TABLE guild_settings ADD COLUMN ideas_review INTEGER NOT NULL DEFAULT 1
    CHECK (ideas_review IN (0, 1));
ALTER TABLE guild_settings ADD COLUMN ideas_threshold INTEGER NOT NULL DEFAULT 5
    CHECK (ideas_threshold BETWEEN 5 AND 1000);
ALTER TABLE guild_settings ADD COLUMN ideas_answer_days INTEGER NOT NULL DEFAULT 28
    CHECK (ideas_answer_days BETWEEN 1 AND 365);

CREATE TABLE ideas (
    id                 INTEGER PRIMARY KEY,
    guild_id           INTEGER NOT NULL,          -- the home server
    author_id          INTEGER,                   -- NULL once the author leaves (or retention)
    author_name        TEXT,                      -- their preferred name, only if they chose to show it
    title              TEXT    NOT NULL,
    title_key          TEXT    NOT NULL,          -- bot.domain.text.same_text_key(title)
    body               TEXT,                      -- what and why (NULL after retention)
    affects            TEXT,                      -- who it affects (NULL after retention)
    content_note       TEXT,
    state              TEXT    NOT NULL
                       CHECK (state IN ('review', 'refused', 'open', 'withdrawn', 'answered')),
    refusal_reason     TEXT,
    supporters         INTEGER NOT NULL DEFAULT 0, -- a count, so leaving keeps it
    threshold_at       TEXT,                      -- when support reached the threshold
    answer             TEXT    CHECK (answer IN ('forward', 'happening', 'not_now')),
    answer_reason      TEXT,
    answer_summary     TEXT,
    answered_at        TEXT,
    review_channel_id  INTEGER,
    review_outbox_id   INTEGER,
    channel_id         INTEGER,                   -- the idea post, once published
    post_outbox_id     INTEGER,
    message_id         INTEGER,
    network_id         INTEGER,                   -- set when posted in every linked server
    wants_network      INTEGER NOT NULL DEFAULT 0 CHECK (wants_network IN (0, 1)),
    created_at         TEXT    NOT NULL,
    member_text_erased_at TEXT
) STRICT;
CREATE INDEX ideas_guild_state ON ideas (guild_id, state);
CREATE INDEX ideas_author ON ideas (guild_id, author_id);

-- Who supports an idea: never shown or exported to anyone but the supporter.
CREATE TABLE idea_supports (
    idea_id   INTEGER NOT NULL REFERENCES ideas (id) ON DELETE CASCADE,
    guild_id  INTEGER NOT NULL,                   -- the supporter's own server
    user_id   INTEGER NOT NULL,
    PRIMARY KEY (idea_id, user_id),               -- one support per person
    FOREIGN KEY (guild_id, user_id) REFERENCES members (guild_id, user_id) ON DELETE CASCADE
) STRICT;
CREATE INDEX idea_supports_member ON idea_supports (guild_id, user_id);

-- A network idea has a copy in each linked server, like a poll (the kind list grows).
CREATE TABLE item_copies_new (
    kind       TEXT    NOT NULL CHECK (kind IN ('poll', 'opportunity', 'meeting', 'idea')),
    item_id    INTEGER NOT NULL,
    guild_id   INTEGER NOT NULL,                 -- the server this copy was posted in
    channel_id INTEGER NOT NULL,
    outbox_id  INTEGER,                          -- the outbox row that posts it
    PRIMARY KEY (kind, item_id, guild_id)
) STRICT;
INSERT INTO item_copies_new (rowid, kind, item_id, guild_id, channel_id, outbox_id)
    SELECT rowid, kind, item_id, guild_id, channel_id, outbox_id FROM item_copies;
DROP TABLE item_copies;
ALTER TABLE item_copies_new RENAME TO item_copies;
