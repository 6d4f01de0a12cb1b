-- Idempotency keys by age: the hourly housekeeping deletes those past their retention
-- (`idempotency::EXPIRE`). Without this index each run read every key of every user, the largest table of a
-- national deployment.
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
