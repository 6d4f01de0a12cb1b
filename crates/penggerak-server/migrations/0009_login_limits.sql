-- Sign-in limits shared by every instance on this database (see `limits`): the failures counted per client
-- address (a sliding window: the times, in Unix milliseconds, separated by spaces; at most the limit's
-- `max` of them) and per account or known device (failures in a row and when the last was). One row per
-- key, locked while an attempt is counted. Rows whose window has passed are deleted by the housekeeping.
CREATE TABLE login_addresses (
    address  TEXT PRIMARY KEY NOT NULL,
    times    TEXT NOT NULL,
    last_at  BIGINT NOT NULL
);
CREATE INDEX login_addresses_by_age ON login_addresses (last_at);

CREATE TABLE login_strikes (
    key       TEXT PRIMARY KEY NOT NULL,
    failures  BIGINT NOT NULL,
    last_at   BIGINT NOT NULL
);
CREATE INDEX login_strikes_by_age ON login_strikes (last_at);
