-- Users found by what is not their key: sign-in by e-mail in any case (`auth::FIND_ACCOUNT`), a school's
-- principal and staff (`people::SCHOOL_PRINCIPAL`, `people::STAFF_IDS`, asked by every `/me`, refresh and
-- staff page). Without these each was a scan of every user: at a country's millions of teachers, every
-- sign-in and every profile read. tests/query_plans.rs holds them to an index on SQLite and PostgreSQL.
CREATE INDEX users_by_email_folded ON users (lower(email));
CREATE INDEX users_by_school ON users (school_npsn, role);
