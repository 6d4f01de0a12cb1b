-- "Saya hadir": who said they were at which community event. One row per (event, member); taking it back
-- deletes the row. The event's record counts them (by the primary key's leading column).
CREATE TABLE community_event_attendance (
    event_id    TEXT NOT NULL REFERENCES community_events (id),
    user_id     TEXT NOT NULL REFERENCES users (id),
    attended_at BIGINT NOT NULL,
    PRIMARY KEY (event_id, user_id)
);
