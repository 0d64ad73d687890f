-- Payment and expenses for involvement (issue 24), handled privately (rule 2).
-- An opportunity may offer a fee (in pence, per session, hour or day), a voucher,
-- and expenses of some kinds; `payment` stays as the organiser's free-text note.
-- The organisation's finance system, not the bot, is the record of payment: choices
-- and claims are erased 90 days after being marked paid, and unpaid ones 12 months
-- after the opportunity (organisers warned a month before), whatever the server's
-- retention setting (bot/retention.py, db/payments.py).

ALTER TABLE opportunities ADD COLUMN fee_pence INTEGER
    CHECK (fee_pence IS NULL OR fee_pence BETWEEN 1 AND 100000);
ALTER TABLE opportunities ADD COLUMN fee_per TEXT
    CHECK (fee_per IS NULL OR fee_per IN ('session', 'hour', 'day'));
ALTER TABLE opportunities ADD COLUMN voucher INTEGER NOT NULL DEFAULT 0 CHECK (voucher IN (0, 1));
ALTER TABLE opportunities ADD COLUMN expenses TEXT;    -- e.g. "travel,care"; NULL: none covered
ALTER TABLE opportunities ADD COLUMN happened_at TEXT; -- when "took part" was last confirmed
ALTER TABLE opportunities ADD COLUMN payments_warned_at TEXT; -- organisers warned of the erase

-- Who took part (/opportunity happened): only "took part" is stored, never a no-show.
-- Seen by the member and the organisers of that opportunity only; no view lists a
-- person's participation across opportunities. Goes when the member leaves.
CREATE TABLE took_part (
    opportunity_id INTEGER NOT NULL REFERENCES opportunities (id) ON DELETE CASCADE,
    guild_id       INTEGER NOT NULL,              -- the member's own server
    user_id        INTEGER NOT NULL,
    role           TEXT,
    hours          REAL    CHECK (hours IS NULL OR (hours > 0 AND hours <= 1000)),
    confirmed_at   TEXT    NOT NULL,
    PRIMARY KEY (opportunity_id, user_id),
    FOREIGN KEY (guild_id, user_id) REFERENCES members (guild_id, user_id) ON DELETE CASCADE
) STRICT;
CREATE INDEX took_part_member ON took_part (guild_id, user_id);

-- How a member with a place would like to be paid: changeable until marked paid.
CREATE TABLE payment_choices (
    opportunity_id INTEGER NOT NULL REFERENCES opportunities (id) ON DELETE CASCADE,
    guild_id       INTEGER NOT NULL,              -- the member's own server
    user_id        INTEGER NOT NULL,
    choice         TEXT    NOT NULL CHECK (choice IN ('fee', 'voucher', 'expenses', 'none')),
    chosen_at      TEXT    NOT NULL,
    paid_at        TEXT,                          -- the fee or voucher marked paid
    PRIMARY KEY (opportunity_id, user_id),
    FOREIGN KEY (guild_id, user_id) REFERENCES members (guild_id, user_id) ON DELETE CASCADE
) STRICT;
CREATE INDEX payment_choices_member ON payment_choices (guild_id, user_id);

-- Expenses claims (/me claim). Never bank details. No foreign key to members: a
-- member who leaves may keep an unpaid claim until it is paid (rule 4's one
-- exception); then `user_id` is NULL and only amount, date, item and the name
-- (`kept_name`) remain.
CREATE TABLE expense_claims (
    id             INTEGER PRIMARY KEY,
    opportunity_id INTEGER NOT NULL REFERENCES opportunities (id) ON DELETE CASCADE,
    guild_id       INTEGER NOT NULL,              -- the member's own server
    user_id        INTEGER,                       -- NULL: kept after leaving
    kind           TEXT    NOT NULL CHECK (kind IN ('travel', 'care', 'other')),
    amount_pence   INTEGER NOT NULL CHECK (amount_pence BETWEEN 1 AND 50000),
    spent_on       TEXT    NOT NULL,              -- YYYY-MM-DD
    note           TEXT,
    kept_name      TEXT,                          -- only on a claim kept after leaving
    claimed_at     TEXT    NOT NULL,
    paid_at        TEXT
) STRICT;
CREATE INDEX expense_claims_opportunity ON expense_claims (opportunity_id);
CREATE INDEX expense_claims_member ON expense_claims (guild_id, user_id);
