-- Period reports for commissioners (issue 26). Totals only, already suppressed
-- (rule 9) before they are stored: nothing here is about a person, and no row
-- says who made a report (a link is any organiser's to withdraw).
--
-- A day's figures for one period and scope are taken on the first look of that
-- day and reused all day, so two reports the same day cannot be differenced.
CREATE TABLE report_snapshots (
    guild_id   INTEGER NOT NULL,                 -- the server the report was asked for in
    scope      TEXT    NOT NULL CHECK (scope IN ('server', 'network')),
    period_key TEXT    NOT NULL,                 -- "2026-04-01..2026-06-30"
    on_day     TEXT    NOT NULL,                 -- the server's date it was taken
    figures    TEXT    NOT NULL,                 -- JSON: the suppressed report
    PRIMARY KEY (guild_id, scope, period_key)
) STRICT;

-- A private page link: a random id (the address also carries its signature),
-- expiring 7 days after it is made; "Withdraw this link" sets withdrawn_at.
-- Rows are deleted 30 days after they stop working (then the address is a 404).
CREATE TABLE report_links (
    id           TEXT    PRIMARY KEY,            -- random, url-safe
    guild_id     INTEGER NOT NULL,
    scope        TEXT    NOT NULL CHECK (scope IN ('server', 'network')),
    figures      TEXT    NOT NULL,               -- JSON: the report as the link shows it
    created_at   TEXT    NOT NULL,
    expires_at   TEXT    NOT NULL,
    withdrawn_at TEXT
) STRICT;
CREATE INDEX report_links_guild ON report_links (guild_id);
