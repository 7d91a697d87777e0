-- 0005_add_recipe_combine: a recipe stores how its adapters combine (`loom recipe add --combine`).
--
-- combine is the method (spec §10.1); 'linear', the exact weighted sum, for every recipe made before
-- this migration. density is the fraction of each delta kept (every method but linear), majority_sign
-- the TIES sign election (ties, dare_ties), seed the DARE masks' seed (dare_linear, dare_ties); NULL
-- where the method does not use them. Which option goes with which method is checked by loom, the
-- ranges here.

ALTER TABLE recipe ADD COLUMN combine TEXT NOT NULL DEFAULT 'linear'
    CHECK (combine IN ('linear', 'ties', 'magnitude_prune', 'dare_linear', 'dare_ties'));
ALTER TABLE recipe ADD COLUMN density REAL CHECK (density IS NULL OR (density > 0 AND density <= 1));
ALTER TABLE recipe ADD COLUMN majority_sign TEXT CHECK (majority_sign IS NULL OR majority_sign IN ('total', 'frequency'));
ALTER TABLE recipe ADD COLUMN seed INTEGER CHECK (seed IS NULL OR seed >= 0);
