-- Notice edits say what they change (issue 19). Every save of a server's notice is
-- a dated revision: a wording fix keeps the consent version (members' agreement
-- stands), a real change raises it (members agree again). A real change is stored
-- first as a proposal (saved_at NULL) and takes effect only when a moderator
-- confirms it after seeing what it changes. No person's id is kept here.
CREATE TABLE notice_revisions (
    id             INTEGER PRIMARY KEY AUTOINCREMENT, -- in save order, never reused
    guild_id       INTEGER NOT NULL,
    notice_version INTEGER NOT NULL,              -- the consent version this text is worded for
    kind           TEXT    NOT NULL CHECK (kind IN ('wording', 'change')),
    text           TEXT    NOT NULL,
    proposed_at    TEXT    NOT NULL,
    saved_at       TEXT,                          -- NULL: a real change not yet confirmed
    from_version   INTEGER NOT NULL,              -- the notice it was written against
    from_revision  INTEGER                        -- (NULL: the first wording)
) STRICT;
CREATE INDEX notice_revisions_guild ON notice_revisions (guild_id, id);

-- The wording in force (NULL: the first wording, from before revisions were kept).
ALTER TABLE guild_settings ADD COLUMN notice_revision INTEGER;
-- The wording each member last saw: when they agreed, or opened the notice since.
ALTER TABLE members ADD COLUMN notice_revision INTEGER;
