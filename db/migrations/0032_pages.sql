-- Pages beyond Discord (issue 25, rule 16): what each server chose to publish, the daily
-- snapshot of figures the pages show, and an idea author's agreement to show their words.
-- Nothing here holds a person's id or name.

-- One row per server that has ever published. `kinds` lists what it publishes now
-- (bot.domain.publishing.KINDS keys, comma-separated); '' means unpublished: its pages
-- answer 410 Gone at once. The slug (the page's address) is random and kept, so an
-- unpublished page says it is gone rather than that it never was.
CREATE TABLE published_pages (
    guild_id     INTEGER PRIMARY KEY,
    slug         TEXT    NOT NULL UNIQUE,
    kinds        TEXT    NOT NULL DEFAULT '',
    published_at TEXT,                     -- when it last went from nothing to something
    changed_at   TEXT    NOT NULL
) STRICT;

-- A network's page address, made when a server in it first publishes. No foreign key:
-- a network that is gone keeps its address, which then answers 410.
CREATE TABLE network_pages (
    network_id INTEGER PRIMARY KEY,
    slug       TEXT    NOT NULL UNIQUE
) STRICT;

-- The figures a server's pages show, taken once a day (and when it first publishes), so
-- reloading a page tells nobody how a count moved in between. Only the latest is kept.
-- JSON: counts per item id (turnout, per-option totals, supporters) and totals (offered,
-- places filled, meetings held); never a person, never any text.
CREATE TABLE page_snapshots (
    guild_id INTEGER PRIMARY KEY,
    taken_on TEXT    NOT NULL,              -- the date shown: "as of <date>"
    taken_at TEXT    NOT NULL,
    figures  TEXT    NOT NULL
) STRICT;

-- The author pressed "Show my words on public pages" (after submitting): their own title
-- and text may appear on the server's ideas page. NULL: only the organisers' summary.
-- Cleared when they take it back or leave.
ALTER TABLE ideas ADD COLUMN words_public_at TEXT;
