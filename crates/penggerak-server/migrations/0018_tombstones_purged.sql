-- Tombstones are kept for a month, then deleted (`records::purge_tombstones`, the hourly housekeeping):
-- kept for ever, a teacher adding and deleting activities in a loop (3,000 changes a day) would grow her
-- principal's feed and the database without end.
--
-- `feed_marks`: every hour, where the feed stood (`at`, Unix seconds): every change placed before `(tx,
-- seq)` was committed by then. A tombstone placed before the newest mark a month old is a month old.
CREATE TABLE feed_marks (
    at  BIGINT PRIMARY KEY,
    tx  BIGINT NOT NULL,
    seq BIGINT NOT NULL
);

-- `feed_purged`: the place of the last tombstone deleted (one row, only ever moving forward). A device
-- whose cursor is before it may have missed a deletion, so its next sync is a full one (`reset`).
CREATE TABLE feed_purged (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    tx  BIGINT NOT NULL,
    seq BIGINT NOT NULL
);

-- The tombstones in feed order, for the purge (a small part of all records).
CREATE INDEX records_tombstones_by_place ON records (tx, seq) WHERE deleted = 1;
