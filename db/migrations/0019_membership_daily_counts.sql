-- Join/leave history as daily counts per server, not one row per person. Each
-- row used to carry a stable keyed hash of the person (HMAC of "guild:user" with
-- the bot's secret), kept for ever: anyone holding the database and the secret
-- (which sits beside it in backups) could follow one person's joins and leaves.
-- Now a day holds only how many joined and how many left; no identifier at all.
-- The existing events are folded into those counts and the old rows dropped
-- (secure_delete zeroes their pages; the WAL is checkpointed after migrating).
CREATE TABLE membership_daily_counts (
    guild_id INTEGER NOT NULL,
    on_day   TEXT    NOT NULL,                    -- YYYY-MM-DD (UTC)
    joins    INTEGER NOT NULL DEFAULT 0 CHECK (joins >= 0),
    leaves   INTEGER NOT NULL DEFAULT 0 CHECK (leaves >= 0),
    PRIMARY KEY (guild_id, on_day)
) STRICT, WITHOUT ROWID;

INSERT INTO membership_daily_counts (guild_id, on_day, joins, leaves)
SELECT guild_id, on_day, sum(event = 'joined'), sum(event = 'left')
FROM membership_events
GROUP BY guild_id, on_day;

DROP TABLE membership_events;
