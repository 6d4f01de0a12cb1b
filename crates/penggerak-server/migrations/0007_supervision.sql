-- Which schools a pengawas (school supervisor) supervises. She reads their staff picture (read-only); the
-- server answers nothing of a school she does not supervise.
CREATE TABLE supervision (
    pengawas_id  TEXT NOT NULL REFERENCES users (id),
    school_npsn  TEXT NOT NULL REFERENCES schools (npsn),
    PRIMARY KEY (pengawas_id, school_npsn)
);
