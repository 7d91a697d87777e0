-- 0011_add_recipe_qlora: a recipe stores whether it builds QLoRA-faithfully (`loom recipe add --qlora`).
--
-- qlora is the 4-bit data type the base is round-tripped through before the deltas are added (spec
-- §10.2), NULL for an ordinary build (every recipe made before this migration); qlora_double_quant says
-- whether the block scales were double-quantized (bnb_4bit_use_double_quant), set exactly when qlora is.

ALTER TABLE recipe ADD COLUMN qlora TEXT CHECK (qlora IS NULL OR qlora IN ('nf4'));
ALTER TABLE recipe ADD COLUMN qlora_double_quant INTEGER
    CHECK ((qlora IS NULL AND qlora_double_quant IS NULL)
        OR (qlora IS NOT NULL AND qlora_double_quant IS NOT NULL AND qlora_double_quant IN (0, 1)));
