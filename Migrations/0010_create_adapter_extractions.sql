-- 0010_create_adapter_extractions: where an extracted adapter came from (`loom adapter extract`).
--
-- An adapter made by factorizing a full fine-tune records the base it was taken against and the tuned
-- model it approximates, by manifest digest (the digest `loom base add` would give the tuned directory),
-- the rank asked for and how the SVD was computed. One row per adapter version, gone with it; adapters
-- registered from a PEFT directory have none.

CREATE TABLE adapter_extraction (
    adapter_id            INTEGER PRIMARY KEY REFERENCES adapter(id) ON DELETE CASCADE,
    base_manifest_digest  TEXT    NOT NULL CHECK (base_manifest_digest LIKE 'sha256:%'),
    tuned_manifest_digest TEXT    NOT NULL CHECK (tuned_manifest_digest LIKE 'sha256:%'),
    tuned_source          TEXT,                -- the directory it was read from (informational)
    rank                  INTEGER NOT NULL CHECK (rank >= 1),
    method                TEXT    NOT NULL CHECK (method IN ('exact', 'randomized')),
    seed                  INTEGER,             -- the randomized sketch's seed; NULL for exact
    created_at            TEXT    NOT NULL
);
