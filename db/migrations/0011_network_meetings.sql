-- Network-wide meetings (issue 10): one answer per person per occurrence.
-- A person who is a member of two linked servers answers once; the answer stays
-- under the server where they first answered this meeting (its guild_id), so that
-- server's consent, pause and quiet hours apply to their reminders. Answers were
-- only ever taken from the home server before, so no existing rows clash.

CREATE UNIQUE INDEX meeting_rsvps_one_per_person
    ON meeting_rsvps (meeting_id, occ_key, user_id);
