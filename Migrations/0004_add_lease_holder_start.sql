-- 0004_add_lease_holder_start: a lease names its holder by pid and the process's start time.
--
-- A pid is reused once its process is gone: a lease whose holder died could otherwise look live as
-- long as another process has that pid. holder_start is the holder's start time in clock ticks since
-- boot (Linux: /proc/PID/stat field 22); a process with the lease's pid but another start time is not
-- the holder. NULL for leases taken before this migration, or where the start time is unknown: then
-- only the pid (and the expiry) say whether the holder is alive.

ALTER TABLE lease ADD COLUMN holder_start INTEGER CHECK (holder_start IS NULL OR holder_start >= 0);
