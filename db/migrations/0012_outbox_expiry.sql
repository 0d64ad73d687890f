-- A queued message may expire: a meeting reminder that could not be sent before
-- the meeting began (the bot was down) is skipped, not sent late.
ALTER TABLE outbox ADD COLUMN expires_at TEXT;
