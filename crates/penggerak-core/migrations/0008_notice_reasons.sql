-- A refused change's reason as data (`penggerak_types::Reason`, JSON), when the server or the device gave
-- one, so that the app words it in the user's language; `message` keeps the sentence as it came.
ALTER TABLE notices ADD COLUMN reason TEXT;
