-- 0001_create_catalog: bases, adapters, artifacts, leases and the hash-chained event log.
--
-- Digests are "sha256:<64 lowercase hex>". Times are ISO-8601 UTC with milliseconds
-- ("2026-11-29T14:56:38.123Z"), so text order is time order. JSON columns hold loom's canonical
-- compact JSON. A file row names a blob that was written, fsynced and renamed into blobs/ before
-- the row was inserted.

-- A registered base model version: a manifest of files plus a tensor index.
CREATE TABLE base (
    id                   INTEGER PRIMARY KEY,
    name                 TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 128),
    version              INTEGER NOT NULL CHECK (version >= 1),
    manifest_digest      TEXT    NOT NULL,  -- sha256 of the canonical manifest: [[path, digest, size], ...] sorted by path
    architecture         TEXT,              -- config.json architectures[0], when present
    model_type           TEXT,              -- config.json model_type, when present
    dtype                TEXT    NOT NULL,  -- the checkpoint's floating dtype: f32, f16, bf16 (or the safetensors name)
    parameter_count      INTEGER NOT NULL CHECK (parameter_count >= 0),
    total_size           INTEGER NOT NULL CHECK (total_size >= 0),
    tie_word_embeddings  INTEGER NOT NULL CHECK (tie_word_embeddings IN (0, 1)),
    source               TEXT,              -- the directory it was registered from (informational)
    created_at           TEXT    NOT NULL,
    UNIQUE (name, version)
);

CREATE TABLE base_file (
    base_id  INTEGER NOT NULL REFERENCES base(id) ON DELETE CASCADE,
    path     TEXT    NOT NULL,              -- relative to the model directory
    digest   TEXT    NOT NULL,
    size     INTEGER NOT NULL CHECK (size >= 0),
    PRIMARY KEY (base_id, path)
) WITHOUT ROWID;
CREATE INDEX base_file_by_digest ON base_file(digest);

CREATE TABLE base_tensor (
    base_id   INTEGER NOT NULL,
    name      TEXT    NOT NULL,
    dtype     TEXT    NOT NULL,             -- safetensors dtype name (BF16, F32, ...)
    shape     TEXT    NOT NULL,             -- JSON array of dimensions
    path      TEXT    NOT NULL,             -- the .safetensors file holding it
    position  INTEGER NOT NULL,             -- order within that file (data-offset order)
    PRIMARY KEY (base_id, name),
    FOREIGN KEY (base_id, path) REFERENCES base_file(base_id, path) ON DELETE CASCADE
) WITHOUT ROWID;

-- A registered adapter version, validated against one base version.
CREATE TABLE adapter (
    id               INTEGER PRIMARY KEY,
    name             TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 128),
    version          INTEGER NOT NULL CHECK (version >= 1),
    base_id          INTEGER NOT NULL REFERENCES base(id) ON DELETE RESTRICT,
    manifest_digest  TEXT    NOT NULL,      -- sha256 of the canonical manifest of its files
    peft_type        TEXT    NOT NULL,      -- LORA, IA3
    r                INTEGER,               -- LoRA rank (null for IA3)
    lora_alpha       REAL,                  -- LoRA alpha, a float (null for IA3)
    use_rslora       INTEGER NOT NULL CHECK (use_rslora IN (0, 1)),
    use_dora         INTEGER NOT NULL CHECK (use_dora IN (0, 1)),
    target_modules   TEXT    NOT NULL,      -- JSON: list of names or a regex string, as in the config
    rank_pattern     TEXT    NOT NULL,      -- JSON object in file order
    alpha_pattern    TEXT    NOT NULL,      -- JSON object in file order
    config           TEXT    NOT NULL,      -- the whole adapter_config.json, canonical JSON
    summary          TEXT    NOT NULL,      -- JSON: what the merge plan found (modules, ranks, scalings, replacements)
    total_size       INTEGER NOT NULL CHECK (total_size >= 0),
    source           TEXT,
    created_at       TEXT    NOT NULL,
    UNIQUE (name, version)
);
CREATE INDEX adapter_by_base ON adapter(base_id);

CREATE TABLE adapter_file (
    adapter_id  INTEGER NOT NULL REFERENCES adapter(id) ON DELETE CASCADE,
    path        TEXT    NOT NULL,
    digest      TEXT    NOT NULL,
    size        INTEGER NOT NULL CHECK (size >= 0),
    PRIMARY KEY (adapter_id, path)
) WITHOUT ROWID;
CREATE INDEX adapter_file_by_digest ON adapter_file(digest);

-- A merged checkpoint, cached under the key of its resolved inputs. Artifacts name their inputs by
-- digest, not by row: removing a base or adapter leaves the artifacts it produced intact.
CREATE TABLE artifact (
    id              INTEGER PRIMARY KEY,
    key             TEXT    NOT NULL UNIQUE,  -- sha256 of `recipe`
    recipe          TEXT    NOT NULL,         -- canonical resolved recipe (what the key hashes)
    base_digest     TEXT    NOT NULL,         -- manifest digest of the base
    dtype           TEXT    NOT NULL,         -- output dtype: f32, f16, bf16
    engine_version  TEXT    NOT NULL,
    total_size      INTEGER NOT NULL CHECK (total_size >= 0),
    provenance      TEXT    NOT NULL,         -- JSON: names as asked, config fields, host, user, times, versions
    pinned          INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
    created_at      TEXT    NOT NULL,
    last_used_at    TEXT    NOT NULL
);
CREATE INDEX artifact_by_last_use ON artifact(last_used_at);

CREATE TABLE artifact_input (
    artifact_id     INTEGER NOT NULL REFERENCES artifact(id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,         -- order in the canonical recipe
    adapter_digest  TEXT    NOT NULL,         -- manifest digest of the adapter
    weight          REAL    NOT NULL,
    PRIMARY KEY (artifact_id, position)
) WITHOUT ROWID;

CREATE TABLE artifact_file (
    artifact_id  INTEGER NOT NULL REFERENCES artifact(id) ON DELETE CASCADE,
    path         TEXT    NOT NULL,
    digest       TEXT    NOT NULL,
    size         INTEGER NOT NULL CHECK (size >= 0),
    PRIMARY KEY (artifact_id, path)
) WITHOUT ROWID;
CREATE INDEX artifact_file_by_digest ON artifact_file(digest);

-- "Work named `name` is in progress by pid P on host H until T." One row per name: inserting it is
-- how a builder wins; others wait, or take it over once it is stale (holder gone or expired).
CREATE TABLE lease (
    name         TEXT    PRIMARY KEY,         -- e.g. "build:sha256:…"
    holder_pid   INTEGER NOT NULL,
    holder_host  TEXT    NOT NULL,
    acquired_at  TEXT    NOT NULL,
    expires_at   TEXT    NOT NULL
) WITHOUT ROWID;

-- Append-only, hash-chained log of every change: hash = sha256(prev_hash || canonical content).
CREATE TABLE event (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    at         TEXT    NOT NULL,
    actor      TEXT    NOT NULL,              -- "user@host pid N"
    kind       TEXT    NOT NULL,              -- base.add, adapter.add, artifact.build, base.rm, ...
    subject    TEXT    NOT NULL,              -- name@version or artifact key
    detail     TEXT    NOT NULL,              -- canonical JSON, with digests
    prev_hash  TEXT    NOT NULL,              -- hash of the previous event; 64 zeros for the first
    hash       TEXT    NOT NULL UNIQUE
);

CREATE TRIGGER event_is_append_only_update BEFORE UPDATE ON event
BEGIN
    SELECT RAISE(ABORT, 'the event log is append-only');
END;

CREATE TRIGGER event_is_append_only_delete BEFORE DELETE ON event
BEGIN
    SELECT RAISE(ABORT, 'the event log is append-only');
END;
