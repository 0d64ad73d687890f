-- Only named ballots carry a member (guild_id, user_id); anonymous ones leave both
-- NULL. Index just the named ones: finding a member's ballots (erasure, and the
-- cascade when a member row goes) still uses it, and an anonymous vote writes one
-- index page fewer, which is most of what committing a vote costs.
DROP INDEX ballots_member;
CREATE INDEX ballots_member ON ballots (guild_id, user_id) WHERE user_id IS NOT NULL;
