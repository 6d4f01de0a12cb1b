-- The signed-in account's cached profile, so the app opens signed in and draws the home screen without a
-- network. Never tokens or passwords: those live only in the OS keychain.
CREATE TABLE account (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    server_url  TEXT NOT NULL,
    profile     TEXT NOT NULL, -- JSON of penggerak_types::api::Profile
    updated_at  INTEGER NOT NULL
);

-- Settings that survive sign-out (e.g. the last server address used).
CREATE TABLE settings (
    key    TEXT PRIMARY KEY NOT NULL,
    value  TEXT NOT NULL
);
