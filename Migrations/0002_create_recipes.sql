-- 0002_create_recipes: named builds.
--
-- A recipe names its inputs (base, adapters with weights, output dtype) by name, optionally pinned to
-- a version; a name without a version resolves to the latest version when the recipe is built, so a
-- new adapter version changes what the recipe builds (and its cache key). Recipe names share one
-- namespace with bases and adapters (enforced by the catalog, not by SQL).

CREATE TABLE recipe (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 128),
    base_name     TEXT    NOT NULL,
    base_version  INTEGER CHECK (base_version IS NULL OR base_version >= 1),  -- null: the latest
    dtype         TEXT    CHECK (dtype IS NULL OR dtype IN ('f32', 'f16', 'bf16')),  -- null: the base's
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);

CREATE TABLE recipe_adapter (
    recipe_id        INTEGER NOT NULL REFERENCES recipe(id) ON DELETE CASCADE,
    position         INTEGER NOT NULL CHECK (position >= 0),  -- order as given
    adapter_name     TEXT    NOT NULL,
    adapter_version  INTEGER CHECK (adapter_version IS NULL OR adapter_version >= 1),  -- null: the latest
    weight           REAL    NOT NULL,
    PRIMARY KEY (recipe_id, position)
) WITHOUT ROWID;
