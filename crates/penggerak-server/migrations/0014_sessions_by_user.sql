-- A user's sessions, newest first: a sign-in ends those beyond `auth::MAX_SESSIONS_PER_USER`, and without
-- this index finding them read every session of every user.
CREATE INDEX session_families_by_user ON session_families (user_id, created_at);
