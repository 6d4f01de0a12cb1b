-- Servers before this one synced every school's record to every device (public), and the app reads none of
-- them (a teacher's school comes with her profile). They now go to a school's principal only, so the copies
-- a device holds are dropped, but for a principal's own school's.
DELETE FROM records
WHERE kind = 'school'
  AND id IS NOT (SELECT json_extract(profile, '$.school.npsn') FROM account
                 WHERE id = 1 AND json_extract(profile, '$.role') = 'kepala_sekolah');
