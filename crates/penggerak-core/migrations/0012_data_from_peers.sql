-- Bytes of materials that came from colleagues' devices on the school's network (Berbagi di sekolah,
-- src/sharing.rs) rather than from the server: no mobile data, shown beside it ("dari rekan").
ALTER TABLE data_use ADD COLUMN from_peers INTEGER NOT NULL DEFAULT 0 CHECK (from_peers >= 0);
