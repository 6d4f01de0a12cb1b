-- When each person's device last synced (Unix seconds), as the server saw it: the principal's Staf screen
-- shows it per staff member. Kept apart from `users` so the hot `/sync` path never writes the account
-- row, and written at most once per quarter hour per person (see `people::saw_sync`).
CREATE TABLE last_sync (
    user_id  TEXT PRIMARY KEY NOT NULL REFERENCES users (id),
    at       BIGINT NOT NULL
);
