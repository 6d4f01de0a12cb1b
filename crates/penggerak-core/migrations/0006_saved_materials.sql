-- Learning materials saved for reading offline (src/materials.rs). The files themselves live beside the
-- database, under materials/<hex material id>/; these rows say which version of each is whole there.

-- A material's text, written last: a row here means a version was once saved whole.
CREATE TABLE saved_materials (
    id           TEXT PRIMARY KEY,
    content_etag TEXT NOT NULL,
    material     TEXT NOT NULL, -- the catalogue entry (Material as JSON) of the version saved
    content      TEXT NOT NULL, -- MaterialContent as JSON
    saved_at     INTEGER NOT NULL
);

-- Each file saved whole and checked against its SHA-256.
CREATE TABLE saved_material_files (
    material_id TEXT NOT NULL,
    file_id     TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    size        INTEGER NOT NULL,
    PRIMARY KEY (material_id, file_id)
);
