-- /members count shows one snapshot a day per server (rule 9): two looks the same
-- day are identical, so looking before and after one person's change tells nothing;
-- the next day's look shows the change. Totals only, no person's id; one row per
-- server (yesterday's is replaced), erased with the server.
CREATE TABLE member_count_snapshots (
    guild_id INTEGER NOT NULL PRIMARY KEY,
    on_day   TEXT    NOT NULL,
    figures  TEXT    NOT NULL
) STRICT;
