-- A change sent whose answer never came (cut, or not whole in time) counts as an attempt at most once
-- per outbox::CUT_SPACING_SECS of such cuts (src/sync.rs): `cut_since` is when the cuts not counted yet
-- began, NULL when there are none.
ALTER TABLE outbox ADD COLUMN cut_since INTEGER;
