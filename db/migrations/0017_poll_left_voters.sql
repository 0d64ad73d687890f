-- An anonymous ballot stays as a count when its voter leaves (rule 4) and is
-- unlinked from them at once (its voter_key replaced by a random one). Without
-- more, leaving and joining again (or voting from another linked server) would
-- cast a second ballot in the same open poll. Each row says "this person's vote
-- is already counted" under left_key = HMAC-SHA256(poll secret + the bot's own
-- secret, "left:guild:user"), which matches no ballot and cannot be tested from
-- the database alone. Deleted with the poll's secret at close.
CREATE TABLE poll_left_voters (
    poll_id  INTEGER NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    left_key TEXT    NOT NULL,
    PRIMARY KEY (poll_id, left_key)
) STRICT, WITHOUT ROWID;
