-- 0008_create_artifact_holds: "keep this artifact until T", taken by anyone who reads it (`loom hold`).
--
-- A hold is a gc root while it lasts: gc does not evict a held artifact, whatever the budget, until
-- `until` has passed or the hold is released. Unlike a lease, a hold outlives the process that took
-- it (a server takes one for as long as it means to serve the model); it names its holder by a label
-- (default user@host), and one holder has at most one hold per artifact. Holds go with their artifact.

CREATE TABLE artifact_hold (
    artifact_id  INTEGER NOT NULL REFERENCES artifact(id) ON DELETE CASCADE,
    holder       TEXT    NOT NULL CHECK (length(holder) BETWEEN 1 AND 128),
    until        TEXT    NOT NULL,            -- ISO-8601 UTC with milliseconds, like every time
    created_at   TEXT    NOT NULL,
    PRIMARY KEY (artifact_id, holder)
) WITHOUT ROWID;
CREATE INDEX artifact_hold_by_until ON artifact_hold(until);
