-- Network-wide polls (issue 10): one vote per person per poll. A person who is a
-- member of two linked servers votes once; "has voted" stays under the server
-- where they first voted (its guild_id), which is the per-server turnout. Votes
-- were only ever taken from the home server before, so no existing rows clash.
-- The ballot's voter_key is HMAC(secret, "home server:user"): one key per person
-- per poll, whichever server they vote from (see db/polls.py).
-- `server_turnout_json` freezes the per-server turnout at close ({guild_id: voters}).

CREATE UNIQUE INDEX poll_voters_one_per_person ON poll_voters (poll_id, user_id);
ALTER TABLE polls ADD COLUMN server_turnout_json TEXT;
