-- A queued or refused change names its route as data (`penggerak_types::route::Write`, JSON: which route,
-- with which ids), not as a URL built by hand. `method` and `path` are still written, from the route, for
-- reading the table by hand; rows queued before this column have only those, and are read back through
-- `Write::from_request`.
ALTER TABLE outbox ADD COLUMN route TEXT;
ALTER TABLE notices ADD COLUMN route TEXT;
