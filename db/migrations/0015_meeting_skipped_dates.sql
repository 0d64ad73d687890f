-- One date of a repeating meeting can be cancelled (`/meeting cancel date:`): the
-- local dates the series does not meet on, as space-separated ISO dates
-- ("2026-12-24 2026-12-31"); NULL when none. Dates, not times, so an edit of the
-- meeting's time keeps them skipped.
ALTER TABLE meetings ADD COLUMN skipped_dates TEXT;
