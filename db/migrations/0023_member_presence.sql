-- Whether a member is still in the Discord server (issue 19). Only Discord's member
-- endpoint answering 404 "Unknown Member" (10007) marks someone gone: a refused DM
-- cannot tell closed DMs from leaving. A member found gone is erased 30 days after
-- `gone_since` unless they use the bot in that server again first. Goes with the
-- member row (ON DELETE CASCADE), and is in the export/erase registry (db.members).
CREATE TABLE member_presence (
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    checked_at TEXT    NOT NULL,              -- ISO 8601 UTC: last asked Discord
    gone_since TEXT,                          -- first found gone (NULL = present)
    PRIMARY KEY (guild_id, user_id),
    FOREIGN KEY (guild_id, user_id) REFERENCES members (guild_id, user_id) ON DELETE CASCADE
) STRICT;
CREATE INDEX member_presence_gone ON member_presence (gone_since) WHERE gone_since IS NOT NULL;
