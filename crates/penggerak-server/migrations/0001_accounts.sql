-- Schools, users and auth sessions. Portable SQL (SQLite and PostgreSQL). Migrations are only ever added.
CREATE TABLE schools (
    npsn      TEXT PRIMARY KEY NOT NULL,
    name      TEXT NOT NULL,
    jenjang   TEXT NOT NULL,
    province  TEXT NOT NULL,
    regency   TEXT NOT NULL
);

CREATE TABLE users (
    id            TEXT PRIMARY KEY NOT NULL,
    full_name     TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('guru', 'kepala_sekolah', 'pengawas', 'admin')),
    nuptk         TEXT UNIQUE,
    nip           TEXT UNIQUE,
    email         TEXT NOT NULL UNIQUE,
    school_npsn   TEXT REFERENCES schools (npsn),
    password_hash TEXT NOT NULL
);

-- One row per sign-in. Revoking the family ends every token issued in it (logout, refresh-token reuse).
CREATE TABLE session_families (
    id          TEXT PRIMARY KEY NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users (id),
    created_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);

-- Tokens are stored as SHA-256 hashes only; the plaintext exists only in the response and on the device.
CREATE TABLE access_tokens (
    token_hash  TEXT PRIMARY KEY NOT NULL,
    family_id   TEXT NOT NULL REFERENCES session_families (id),
    expires_at  BIGINT NOT NULL
);

CREATE TABLE refresh_tokens (
    token_hash  TEXT PRIMARY KEY NOT NULL,
    family_id   TEXT NOT NULL REFERENCES session_families (id),
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);

CREATE INDEX access_tokens_family ON access_tokens (family_id);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
