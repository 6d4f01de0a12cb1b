-- "Unduh nanti" tries that failed in a row (src/materials.rs): at limits::LATER_DOWNLOAD_TRIES the syncs
-- stop trying the material; it stays marked, with why. `reason` now keeps the whole error the last try
-- ended on (code and reason, as JSON: an ApiError), so a failure without a rule is shown too; the older
-- rows' bare reasons are dropped (the next sync tries them again and says why anew).
ALTER TABLE download_later ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
UPDATE download_later SET reason = NULL;
