-- The member's own record (issue 24): what they took part in, for them alone (rule 2).
-- A row is written when an organiser confirms "took part" (/opportunity happened); a
-- no-show is never stored. The title and date are copied, so the record outlives the
-- opportunity (retention, a deleted post). Kept until the member leaves (ON DELETE
-- CASCADE from members) and exempt from the server's retention setting. Only ever
-- shown to that member (/me record, the certificate, /me export).
CREATE TABLE member_records (
    id             INTEGER PRIMARY KEY,
    guild_id       INTEGER NOT NULL,              -- the member's own server
    user_id        INTEGER NOT NULL,
    opportunity_id INTEGER,                       -- where it came from (NULL if typed by hand later)
    on_date        TEXT    NOT NULL,              -- YYYY-MM-DD, the day it happened
    title          TEXT    NOT NULL,              -- the opportunity's title at the time
    role           TEXT,                          -- e.g. "interview panel member", if given
    hours          REAL    CHECK (hours IS NULL OR (hours > 0 AND hours <= 1000)),
    recorded_at    TEXT    NOT NULL,
    FOREIGN KEY (guild_id, user_id) REFERENCES members (guild_id, user_id) ON DELETE CASCADE
) STRICT;
-- Confirming twice updates the one row, never doubles it.
CREATE UNIQUE INDEX member_records_once ON member_records (guild_id, user_id, opportunity_id)
    WHERE opportunity_id IS NOT NULL;
CREATE INDEX member_records_member ON member_records (guild_id, user_id, on_date);
