-- Network-wide opportunities (issue 10): one answer per person per opportunity.
-- A person who is a member of two linked servers answers once; the reply stays
-- under the server where they first answered (its guild_id). Replies were only
-- ever taken from the home server before, so no existing rows clash.
-- `show_name_to_host` for a reply from another server now starts at 0 (count
-- only) until the member agrees; the column default stays 1 for the home server.

CREATE UNIQUE INDEX opportunity_replies_one_per_person
    ON opportunity_replies (opportunity_id, user_id);
