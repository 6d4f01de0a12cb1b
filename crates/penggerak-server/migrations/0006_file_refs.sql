-- Which records use which stored file, so that a file nothing uses any more (its evidence deleted, its
-- material replaced by a new version) is removed with its chunks instead of growing storage for ever.
-- Rows for files stored before this table existed are filled in by the server at start (files.rs).
CREATE TABLE file_refs (
    sha256 TEXT NOT NULL,
    kind   TEXT NOT NULL,
    id     TEXT NOT NULL,
    PRIMARY KEY (kind, id, sha256)
);
CREATE INDEX file_refs_by_file ON file_refs (sha256);
