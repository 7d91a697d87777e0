-- 0007_add_base_hub_ids_and_aliases: where a base came from on the Hugging Face Hub, and other names for it.
--
-- An adapter's adapter_config.json names its base by whatever the trainer loaded: a Hub repo id
-- (`org/name`), a cache snapshot path (`…/models--org--name/snapshots/REV`), or a local path. hf_repo and
-- hf_revision record the Hub id of a base (taken from its snapshot path at `base add`, or given with
-- --hf-id), so such an adapter finds its base without --base. NULL for bases registered before this
-- migration or from a directory that is not a snapshot.
--
-- base_alias gives a base name further names (`loom base alias`, `base add --alias`). An alias names the
-- base, not one version of it (like the name, it means the latest version), and it is unique across the
-- names of bases, adapters, recipes and other aliases (the catalog checks that when it writes). It goes
-- when the last version of its base goes.

ALTER TABLE base ADD COLUMN hf_repo TEXT CHECK (hf_repo IS NULL OR length(hf_repo) BETWEEN 1 AND 256);
ALTER TABLE base ADD COLUMN hf_revision TEXT CHECK (hf_revision IS NULL OR (hf_repo IS NOT NULL AND length(hf_revision) BETWEEN 1 AND 128));

CREATE INDEX base_by_hf_repo ON base (hf_repo) WHERE hf_repo IS NOT NULL;

CREATE TABLE base_alias (
    alias       TEXT NOT NULL PRIMARY KEY CHECK (length(alias) BETWEEN 1 AND 128),
    name        TEXT NOT NULL,  -- the base's name (every version of it)
    created_at  TEXT NOT NULL
);

CREATE INDEX base_alias_by_name ON base_alias (name);

CREATE TRIGGER base_alias_follows_base AFTER DELETE ON base
WHEN NOT EXISTS (SELECT 1 FROM base WHERE name = OLD.name)
BEGIN
    DELETE FROM base_alias WHERE name = OLD.name;
END;
