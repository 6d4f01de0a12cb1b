-- Offline search (src/search.rs): one FTS5 index over what the device holds that has a page.
--
-- `search_docs` says what each indexed row is and keeps the original text snippets are cut from:
--   kind: 'material' (a catalogue entry), 'section' (a section of a saved material's text, `section` its
--         number), 'community', 'pkb_item', 'performance_plan'
--   ref:  the record's id (a section's: its material's)
--   owner: whose plan item or plan it is, else ''
--   label: the group's title; heading: a section's heading; shown: the text snippets come from
-- `search_index` is contentless (the text is in `search_docs` already), keyed by `search_docs.id`: `kind`
-- repeats the kind as one word, so a search of materials only is filtered inside the index; `title` and
-- `body` are the words as indexed, each case- and diacritic-folded and followed by its Indonesian stem
-- when that differs ("pengajaran ajar"); the stems come from Rust, so SQLite never stems.
CREATE TABLE search_docs (
    id      INTEGER PRIMARY KEY,
    kind    TEXT NOT NULL,
    ref     TEXT NOT NULL,
    owner   TEXT NOT NULL,
    label   TEXT NOT NULL,
    section INTEGER,
    heading TEXT NOT NULL,
    shown   TEXT NOT NULL
);
CREATE INDEX search_docs_of ON search_docs (kind, ref);

CREATE VIRTUAL TABLE search_index USING fts5(
    kind,
    title,
    body,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- Records whose index rows are out of date. Triggers mark them in the transaction that changed them, and
-- a search brings them up to date before it reads (src/search.rs), so no write path can forget the index
-- and no search sees a stale hit. Saved materials' sections are indexed in the transaction that saves
-- them; 'saved' rows here stand for saved materials not indexed yet (those saved before this migration).
CREATE TABLE search_dirty (
    kind TEXT NOT NULL,
    id   TEXT NOT NULL,
    PRIMARY KEY (kind, id)
) WITHOUT ROWID;

-- (A trigger's `INSERT OR IGNORE` would take the conflict clause of the statement that fired it, e.g. an
-- `INSERT OR REPLACE` or an upsert's, so the triggers check for the row instead.)
CREATE TRIGGER records_search_insert AFTER INSERT ON records
WHEN NEW.kind IN ('material', 'community', 'pkb_item', 'performance_plan')
BEGIN
    INSERT INTO search_dirty (kind, id) SELECT NEW.kind, NEW.id
    WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE kind = NEW.kind AND id = NEW.id);
END;

CREATE TRIGGER records_search_update AFTER UPDATE OF data, deleted ON records
WHEN NEW.kind IN ('material', 'community', 'pkb_item', 'performance_plan')
BEGIN
    INSERT INTO search_dirty (kind, id) SELECT NEW.kind, NEW.id
    WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE kind = NEW.kind AND id = NEW.id);
END;

CREATE TRIGGER records_search_delete AFTER DELETE ON records
WHEN OLD.kind IN ('material', 'community', 'pkb_item', 'performance_plan')
BEGIN
    INSERT INTO search_dirty (kind, id) SELECT OLD.kind, OLD.id
    WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE kind = OLD.kind AND id = OLD.id);
END;

INSERT OR IGNORE INTO search_dirty (kind, id)
    SELECT kind, id FROM records WHERE kind IN ('material', 'community', 'pkb_item', 'performance_plan');
INSERT OR IGNORE INTO search_dirty (kind, id) SELECT 'saved', id FROM saved_materials;
