-- Records: the typed JSON documents every area serves, and the delta feed `/sync` reads. Each change of a
-- record takes the next value of `record_seq` (one row, updated inside the writing transaction, so
-- transactions commit in seq order and a cursor never skips a late commit) and bumps its version.
-- Who may see a record: everyone signed in (`public`), its owner, and the principal of `school_npsn`.
-- Deleted records stay as tombstones (`deleted` = 1, no data) so that deletions sync too.
ALTER TABLE users ADD COLUMN employment TEXT NOT NULL DEFAULT 'non_asn';
ALTER TABLE users ADD COLUMN subjects TEXT NOT NULL DEFAULT '';

CREATE TABLE records (
    kind        TEXT NOT NULL,
    id          TEXT NOT NULL,
    version     BIGINT NOT NULL,
    seq         BIGINT NOT NULL,
    owner_id    TEXT,
    school_npsn TEXT,
    public      BIGINT NOT NULL DEFAULT 0,
    deleted     BIGINT NOT NULL DEFAULT 0,
    data        TEXT,
    PRIMARY KEY (kind, id)
);

CREATE UNIQUE INDEX records_by_seq ON records (seq);
CREATE INDEX records_by_owner ON records (owner_id, seq);
CREATE INDEX records_by_school ON records (school_npsn, seq);

CREATE TABLE record_seq (
    id    BIGINT PRIMARY KEY NOT NULL,
    value BIGINT NOT NULL
);
INSERT INTO record_seq (id, value) VALUES (1, 0);
