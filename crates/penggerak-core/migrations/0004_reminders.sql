-- Deadline reminders already shown, so each is shown once: `key` names the deadline and the day
-- (`eve` = the day before, `day` = on the day); `date` is the deadline's date, after which the row is
-- useless and pruned. Cleared with the account's data at sign-out.
CREATE TABLE reminders_sent (
    key   TEXT PRIMARY KEY,
    date  TEXT NOT NULL
);
