-- One way to keep a refused form for **Fix it**: organisers' notes now use form_drafts
-- like every other form, and note_drafts goes. Each kept form says when it goes
-- (15 minutes for most forms; two days for a note refused for the day's limit, so it
-- can go tomorrow).
ALTER TABLE form_drafts ADD COLUMN expires_at TEXT NOT NULL DEFAULT '';
UPDATE form_drafts
   SET expires_at = strftime('%Y-%m-%dT%H:%M:%S+00:00', created_at, '+15 minutes');
DROP INDEX form_drafts_created;
CREATE INDEX form_drafts_expires ON form_drafts (expires_at);

-- A note kept before this change moves across with what was typed; its old **Fix it**
-- button (note:fix:<id>) finds it by `note_draft` in the context.
INSERT INTO form_drafts (guild_id, user_id, form, context, fields, created_at, expires_at)
SELECT guild_id,
       user_id,
       'note',
       json_object(
           'kind', json_extract(data, '$.kind'),
           'item_key', json_extract(data, '$.item_key'),
           'note_draft', id
       ),
       json_object(
           'note', coalesce(json_extract(data, '$.note'), ''),
           'contact', coalesce(json_extract(data, '$.contact'), '')
       ),
       created_at,
       strftime('%Y-%m-%dT%H:%M:%S+00:00', created_at, '+2 days')
  FROM note_drafts;
DROP TABLE note_drafts;
