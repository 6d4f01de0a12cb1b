-- The bytes the app's requests moved, per calendar month in WIB (`YYYY-MM`), as its meter counted them
-- (HTTP messages with compressed bodies; see penggerak-client's meter). A device figure: it stays across
-- sign-outs, like the preferences.
CREATE TABLE data_use (
    month     TEXT PRIMARY KEY,
    sent      INTEGER NOT NULL DEFAULT 0 CHECK (sent >= 0),
    received  INTEGER NOT NULL DEFAULT 0 CHECK (received >= 0)
);
