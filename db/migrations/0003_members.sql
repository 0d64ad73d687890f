-- Membership (rules 1, 3, 4, 5): members, their consent ledger, an optional
-- profile, and pseudonymous joined/left events. Everything personal hangs off
-- `members` with ON DELETE CASCADE, so leaving erases it in one statement.

CREATE TABLE members (
    guild_id       INTEGER NOT NULL,
    user_id        INTEGER NOT NULL,
    joined_at      TEXT    NOT NULL,              -- ISO 8601 UTC
    notice_version INTEGER NOT NULL,              -- the notice version last agreed to
    paused_at      TEXT,                          -- stepping back since (NULL = not paused)
    paused_until   TEXT,                          -- ends by itself then (NULL = until resumed)
    PRIMARY KEY (guild_id, user_id)
) STRICT;

-- Every grant and withdrawal, per purpose, with the notice version it was given under.
-- The current state of a purpose is its latest row.
CREATE TABLE member_consents (
    id             INTEGER PRIMARY KEY,
    guild_id       INTEGER NOT NULL,
    user_id        INTEGER NOT NULL,
    purpose        TEXT    NOT NULL CHECK (purpose IN
                   ('membership', 'dm_opportunities', 'dm_reminders', 'dm_outcomes')),
    granted        INTEGER NOT NULL CHECK (granted IN (0, 1)),
    notice_version INTEGER NOT NULL,
    at             TEXT    NOT NULL,
    FOREIGN KEY (guild_id, user_id) REFERENCES members (guild_id, user_id) ON DELETE CASCADE
) STRICT;
CREATE INDEX member_consents_member ON member_consents (guild_id, user_id, purpose, id);

-- Optional things a member tells us; NULL = not given.
CREATE TABLE member_profiles (
    guild_id         INTEGER NOT NULL,
    user_id          INTEGER NOT NULL,
    preferred_name   TEXT,
    self_described_group TEXT CHECK (self_described_group IN
                     ('lived_experience', 'carer', 'staff', 'prefer_not_to_say')),
    access_needs     TEXT,                        -- seen only by organisers of what they said yes to
    timezone         TEXT,                        -- IANA name; NULL = the server's
    quiet_start      TEXT,                        -- 'HH:MM' on the member's wall clock
    quiet_end        TEXT,
    reminder_offsets TEXT,                        -- minutes before, e.g. '1440,60'; '' = none
    updated_at       TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id),
    FOREIGN KEY (guild_id, user_id) REFERENCES members (guild_id, user_id) ON DELETE CASCADE
) STRICT;

-- Counts of joins and leaves that survive leaving: no Discord id, only
-- HMAC-SHA256(secret, "guild_id:user_id"), and the day (not the moment).
CREATE TABLE membership_events (
    id       INTEGER PRIMARY KEY,
    guild_id INTEGER NOT NULL,
    subject  TEXT    NOT NULL,
    event    TEXT    NOT NULL CHECK (event IN ('joined', 'left')),
    on_day   TEXT    NOT NULL                     -- YYYY-MM-DD (UTC)
) STRICT;
CREATE INDEX membership_events_guild ON membership_events (guild_id, on_day);
