-- Learning communities, members, events, and the idempotency store. Portable SQL (SQLite and PostgreSQL).
CREATE TABLE communities (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL,
    topic       TEXT NOT NULL,
    jenjang     TEXT NOT NULL,
    province    TEXT NOT NULL,
    regency     TEXT NOT NULL,
    lead_id     TEXT NOT NULL REFERENCES users (id)
);

CREATE TABLE community_members (
    community_id TEXT NOT NULL REFERENCES communities (id),
    user_id      TEXT NOT NULL REFERENCES users (id),
    joined_at    BIGINT NOT NULL,
    PRIMARY KEY (community_id, user_id)
);

CREATE TABLE community_events (
    id           TEXT PRIMARY KEY NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    title        TEXT NOT NULL,
    starts_at    BIGINT NOT NULL,
    place        TEXT,
    link         TEXT,
    speaker      TEXT
);

CREATE INDEX community_events_by_community ON community_events (community_id, starts_at);

-- One row per (user, Idempotency-Key): the request's fingerprint and, once done, the response to replay.
CREATE TABLE idempotency_keys (
    user_id       TEXT NOT NULL,
    idem_key      TEXT NOT NULL,
    fingerprint   TEXT NOT NULL,
    status        BIGINT,
    response      TEXT,
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (user_id, idem_key)
);
