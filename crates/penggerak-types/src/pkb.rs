//! The yearly professional development plan (PKB): items with JP hours, target, status, progress and
//! reflections.
