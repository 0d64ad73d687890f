-- Servers that use Speak Back's built-in membership notice record which edition of
-- its text their notice version stands for. When a release changes what the
-- built-in notice says (bot.domain.consent.DEFAULT_NOTICE_EDITION goes up), each
-- such server's notice version goes up by one at start-up, so its members are asked
-- to read and agree again (rule 1) instead of being recorded as agreeing to words
-- they never saw. Every server with members gets a row, so none is missed; until
-- now the built-in notice had one edition.
ALTER TABLE guild_settings ADD COLUMN default_notice_edition INTEGER NOT NULL DEFAULT 1;
INSERT INTO guild_settings (guild_id, updated_at)
    SELECT DISTINCT guild_id, strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now') FROM members
    WHERE true
    ON CONFLICT (guild_id) DO NOTHING;
