-- Materials marked "Unduh nanti" (src/materials.rs): fetched at a sync on a connection that is not
-- metered; a row leaves once the material is saved (or unmarked). `reason` keeps why the last try did not
-- save it (a Reason as JSON), for the material's page.
CREATE TABLE download_later (
    id       TEXT PRIMARY KEY,
    asked_at INTEGER NOT NULL,
    reason   TEXT
);
