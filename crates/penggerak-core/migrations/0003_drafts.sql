-- Text the user is typing and has not saved yet (a reflection, a note), kept as it is typed so that a
-- killed app, a flat battery or a crash never loses it. Removed when the text is saved for real (then it
-- travels through the outbox), or with the account's data at sign-out.
CREATE TABLE drafts (
    key         TEXT PRIMARY KEY,      -- what the text is for, e.g. reflection:<pkb item id>
    text        TEXT NOT NULL,
    updated_at  INTEGER NOT NULL
);
