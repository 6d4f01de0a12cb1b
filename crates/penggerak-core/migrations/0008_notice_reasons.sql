-- A refused change's reason as data (`penggerak_types::Reason`, JSON), when the server or the device gave
-- one, so that the app words it in the user's language; `message` keeps the sentence as it came.
ALTER TABLE notices ADD COLUMN reason TEXT;
-- The route the refused change was sent to, so that one that carried the user's text can be opened again
-- in its editor (`Session::reopen_refused`).
ALTER TABLE notices ADD COLUMN path TEXT;
