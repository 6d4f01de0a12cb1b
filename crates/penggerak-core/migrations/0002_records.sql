-- Everything the server sent, and every change the user made that the server has not confirmed yet.
--
-- `records` is what screens draw from: `data` is what the user sees (the server copy, or their own edit
-- while it waits); `server_version`/`server_data` are the last server copy, kept beside a local edit; a
-- conflict keeps the server's newer copy in `conflict_data` until the user chooses.
CREATE TABLE records (
    kind            TEXT NOT NULL,
    id              TEXT NOT NULL,
    data            TEXT,              -- JSON; NULL when created locally and deleted, or a local delete
    deleted         INTEGER NOT NULL DEFAULT 0,
    server_version  INTEGER NOT NULL DEFAULT 0, -- 0: never seen by the server yet
    server_data     TEXT,
    conflict_data   TEXT,              -- the server copy that conflicts with the user's edit (SyncRecord JSON)
    generation      INTEGER NOT NULL DEFAULT 0, -- full-sync pass that last saw it (see sync_meta)
    PRIMARY KEY (kind, id)
);

-- Changes waiting for the server, in the order the user made them. An entry leaves only when the server
-- has answered it for good (applied, or refused with a reason kept in `notices`).
CREATE TABLE outbox (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    idem_key        TEXT NOT NULL UNIQUE,
    method          TEXT NOT NULL,
    path            TEXT NOT NULL,
    body            TEXT,              -- JSON
    label           TEXT NOT NULL,     -- what the user did, for the "waiting" list
    state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'conflict')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    created_at      INTEGER NOT NULL
);

-- Which records each waiting change touched: a record with an entry here shows the user's version.
CREATE TABLE outbox_touches (
    seq   INTEGER NOT NULL REFERENCES outbox (seq) ON DELETE CASCADE,
    kind  TEXT NOT NULL,
    id    TEXT NOT NULL,
    PRIMARY KEY (seq, kind, id)
);
CREATE INDEX outbox_touches_by_record ON outbox_touches (kind, id);

-- Changes the server refused for good, so the user learns what happened and can redo them.
CREATE TABLE notices (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    label       TEXT NOT NULL,
    code        TEXT NOT NULL,
    message     TEXT NOT NULL,
    body        TEXT,
    created_at  INTEGER NOT NULL
);

-- Sync bookkeeping: cursor, ETag, last success, full-sync generation.
CREATE TABLE sync_meta (
    key    TEXT PRIMARY KEY NOT NULL,
    value  TEXT NOT NULL
);
