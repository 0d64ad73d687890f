-- The id of the DM channel between the bot and this member, once Discord has told
-- us (it never changes). Kept so the first fan-out after a restart does not have
-- to open every DM channel again (one request per member saved). It goes with the
-- member row when they leave or are erased.
ALTER TABLE members ADD COLUMN dm_channel_id INTEGER;
