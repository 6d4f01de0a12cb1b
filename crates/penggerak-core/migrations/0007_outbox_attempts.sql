-- `outbox.attempts` now counts only the sync passes in which the server worked (its `/sync` answered) but
-- failed this change; at `outbox::MAX_ATTEMPTS` the change is given up and kept as a notice (src/sync.rs).
-- Until now it also counted being offline, so a device that waited out a long outage would give up its
-- changes at the first server error: start every waiting change's count again.
UPDATE outbox SET attempts = 0;
