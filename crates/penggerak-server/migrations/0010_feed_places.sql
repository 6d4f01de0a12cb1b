-- A change's place in the feed becomes (tx, seq) (see `records`): on PostgreSQL `tx` is the writing
-- transaction's id and `seq` comes from the sequence `record_seq_values` (created at start-up, PostgreSQL
-- only), so no writer waits on the `record_seq` row; on SQLite `tx` stays 0 and `record_seq` goes on
-- numbering the (serialised) writers. Changes made before this migration keep `tx` 0: they were all
-- committed before any numbered transaction, so they come first.
ALTER TABLE records ADD COLUMN tx BIGINT NOT NULL DEFAULT 0;

-- A caller's feed is read per audience, each part a range of one index in feed order: what is public, what
-- the caller owns, what is in the school the caller leads. Read as one range over every record, a
-- no-change sync would step over every change anyone made since the caller's cursor (measured: 60-80 ms
-- per 100,000 such changes on PostgreSQL), which at a country's write rate is most of the database's time.
DROP INDEX records_by_owner;
DROP INDEX records_by_school;
CREATE INDEX records_by_owner_place ON records (owner_id, tx, seq);
CREATE INDEX records_by_school_place ON records (school_npsn, tx, seq);
CREATE INDEX records_public_by_place ON records (tx, seq) WHERE public = 1;
