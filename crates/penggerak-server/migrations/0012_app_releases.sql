-- The app's newest release per platform (`linux-x86_64`, …), published with `penggerak-server
-- publish-update`: its version, notes, the bundle (a stored file, by hash) and the bundle's signature. The
-- Tauri updater asks `/app/update/…` and downloads `/app/update-files/{sha256}`.
CREATE TABLE app_releases (
    platform  TEXT PRIMARY KEY NOT NULL,
    version   TEXT NOT NULL,
    notes     TEXT NOT NULL,
    pub_date  BIGINT NOT NULL,
    file_name TEXT NOT NULL,
    sha256    TEXT NOT NULL,
    size      BIGINT NOT NULL,
    signature TEXT NOT NULL
);
