-- 0003_record_blob_stats: what each artifact file's blob looked like when the artifact was committed.
--
-- A cache hit stats every blob of the artifact (it must anyway, to see that it exists) and compares the
-- modification time and inode with these; a difference means the file was rewritten or replaced since,
-- and the blob is rehashed before it is served. Null for artifacts committed before this migration (and
-- by writers that do not record them): such a hit checks only that the blobs exist, as before.

ALTER TABLE artifact_file ADD COLUMN blob_mtime_ns INTEGER;  -- st_mtime in nanoseconds since 1970
ALTER TABLE artifact_file ADD COLUMN blob_inode INTEGER;     -- st_ino (bit pattern of the unsigned value)
