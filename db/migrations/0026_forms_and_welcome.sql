-- Forms keep your work (issue 29): what was typed in a form that had a bad field,
-- kept 15 minutes so **Fix it** can reopen the form as typed. Only the person who
-- typed it can reopen it; erased when they leave (personal data).
CREATE TABLE form_drafts (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,                  -- 0 for a form filled in a DM
    user_id    INTEGER NOT NULL,                  -- who typed it
    form       TEXT    NOT NULL,                  -- which form (its key in bot/ui.py)
    context    TEXT    NOT NULL,                  -- JSON: what the form was about (ids)
    fields     TEXT    NOT NULL,                  -- JSON: {input id: what was typed}
    created_at TEXT    NOT NULL
) STRICT;
CREATE INDEX form_drafts_created ON form_drafts (created_at);

-- Getting in without typing (issue 29): the set-up checklist is shown once per server,
-- to the first person with Manage Server the bot answers there.
CREATE TABLE setup_checklists (
    guild_id INTEGER PRIMARY KEY,
    shown_at TEXT NOT NULL
) STRICT;
