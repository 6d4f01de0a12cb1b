-- Refresh grace and known devices (issue 13). Portable SQL (SQLite and PostgreSQL).

-- A spent refresh token's successor pair is derived from the spent token itself (HMAC keyed by it) and
-- this random salt, so a retried refresh whose answer was lost gets the same pair again within the grace
-- window, while the database still holds no token, only hashes and the salt. NULL: spent before this
-- migration, or never spent.
ALTER TABLE refresh_tokens ADD COLUMN successor_salt TEXT;

-- Devices a user signed in from: the device token (a cookie) is stored as its SHA-256 only. A sign-in
-- presenting a known device of the account is limited per device, not with everyone else's attempts.
CREATE TABLE known_devices (
    token_hash   TEXT PRIMARY KEY NOT NULL,
    user_id      TEXT NOT NULL REFERENCES users (id),
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);

CREATE INDEX known_devices_user ON known_devices (user_id);
CREATE INDEX access_tokens_expiry ON access_tokens (expires_at);
CREATE INDEX refresh_tokens_expiry ON refresh_tokens (expires_at);
