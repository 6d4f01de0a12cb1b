-- Each user's keyed changes and the bytes of the answers kept for their replay, per UTC day
-- (`idempotency::CHANGES_PER_DAY`, `idempotency::KEPT_BYTES_PER_DAY`): every change's key is kept for a
-- month, so without a count one account could grow the database without end. Days before today are
-- deleted by the hourly housekeeping, found by this table's own order (`day` first).
CREATE TABLE change_days (
    day           BIGINT NOT NULL,
    user_id       TEXT NOT NULL,
    changes       BIGINT NOT NULL,
    kept_bytes    BIGINT NOT NULL,
    PRIMARY KEY (day, user_id)
);
