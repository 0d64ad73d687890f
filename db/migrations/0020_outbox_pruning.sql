-- Keep only what is needed (rule 14). The outbox keeps finished DMs and edits for
-- 7 days (long enough for Discord's nonce de-duplication and /status), then drops
-- them; a sent post keeps only its pointer (which message is which item's post),
-- not its content. So "at most once" no longer rests on the outbox's dedupe keys:
-- each feature records it on the item, in the transaction that queues the DMs.

-- A lottery's results were told to those drawn (opportunities).
ALTER TABLE opportunities ADD COLUMN draw_told_at TEXT;
-- Lotteries drawn before this were told as they closed.
UPDATE opportunities SET draw_told_at = drawn_at WHERE drawn_at IS NOT NULL;
-- A promotion from the waitlist was told: the queue position (seq) it was told at.
ALTER TABLE opportunity_replies ADD COLUMN promotion_told_seq INTEGER;

-- The automatic reply to a DM goes at most once in six hours per person. The outbox
-- row is deleted once sent; what is kept is a keyed hash of the person (HMAC with
-- the bot's own secret), which names no one from the database alone, until the
-- window ends. /leave in any server deletes it.
CREATE TABLE dm_auto_replies (
    user_key TEXT NOT NULL PRIMARY KEY,
    until    TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- An outbox id is the message's nonce (rule 10): deleting rows must never let an id
-- be used again (SQLite would reuse the largest one), or a new message could carry
-- the nonce of one just sent and be taken for it. The largest id ever deleted is
-- kept in meta, and new rows are numbered above it (db.outbox.enqueue).
CREATE TRIGGER outbox_ids_are_never_reused AFTER DELETE ON outbox
BEGIN
    INSERT INTO meta (key, value) VALUES ('outbox_last_id', CAST(OLD.id AS TEXT))
    ON CONFLICT (key) DO UPDATE SET value = CAST(max(CAST(value AS INTEGER), OLD.id) AS TEXT);
END;
