-- A school's record is its principal's, no longer everyone's (`people::publish_school`). Public, every
-- device synced every school of the country (400,000 records on each phone at national scale) and the app
-- reads none of them: a teacher's school comes with her own profile. Records already synced keep their
-- places; devices drop the copies they hold (the app's own migration).
UPDATE records SET public = 0, school_npsn = id WHERE kind = 'school';
