-- Files (evidence uploads, material attachments), content-addressed by SHA-256 and kept in chunks of
-- 256 KiB, so a Range read fetches only the chunks it covers. BYTEA is PostgreSQL's binary type; SQLite
-- stores blobs as they are whatever the declared type, so one migration serves both.
CREATE TABLE files (
    sha256 TEXT PRIMARY KEY NOT NULL,
    size   BIGINT NOT NULL
);

CREATE TABLE file_chunks (
    sha256 TEXT NOT NULL,
    n      BIGINT NOT NULL,
    data   BYTEA NOT NULL,
    PRIMARY KEY (sha256, n)
);

-- A learning material's text content (JSON), served on demand with its ETag; the catalogue entry is a
-- `material` record.
CREATE TABLE material_content (
    id   TEXT PRIMARY KEY NOT NULL,
    etag TEXT NOT NULL,
    body TEXT NOT NULL
);
