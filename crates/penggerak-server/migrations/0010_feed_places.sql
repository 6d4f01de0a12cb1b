-- A change's place in the feed becomes (tx, seq) (see `records`): on PostgreSQL `tx` is the writing
-- transaction's id and `seq` comes from the sequence `record_seq_values` (created at start-up, PostgreSQL
-- only), so no writer waits on the `record_seq` row; on SQLite `tx` stays 0 and `record_seq` goes on
-- numbering the (serialised) writers. Changes made before this migration keep `tx` 0: they were all
-- committed before any numbered transaction, so they come first.
ALTER TABLE records ADD COLUMN tx BIGINT NOT NULL DEFAULT 0;
CREATE INDEX records_by_place ON records (tx, seq);
