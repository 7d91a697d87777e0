#!/usr/bin/env bash
# Regenerates the committed seed corpora in Tests/Fuzz/corpus from the PEFT fixtures:
#   safetensors-header/  the first 8 + N bytes (the length field and the JSON header, no tensor data,
#                        at most 64 KiB) of every .safetensors file under Tests/Fixtures/peft
#   adapter-config/      every adapter_config.json under Tests/Fixtures/peft (bad/ included)
# Seed names are the fixture paths with '/' turned into '_'. Hand-written seeds (handmade-*: configs
# using the features the fixtures do not, such as regexes, IA3, DoRA, lora_bias) are kept as they are.
# Usage: Scripts/fuzz-seeds.sh
set -euo pipefail
cd "$(dirname "$0")/.."

fixtures=Tests/Fixtures/peft
headers=Tests/Fuzz/corpus/safetensors-header
configs=Tests/Fuzz/corpus/adapter-config
mkdir -p "$headers" "$configs"
find "$headers" "$configs" -type f ! -name 'handmade-*' -delete

while IFS= read -r file; do
    relative=${file#"$fixtures"/}
    n=$(od -An -tu8 -N8 "$file" | tr -d ' ')
    # Cap the prefix at 64 KiB: a length field of 2^63 (bad/header-overflow) wraps negative in bash.
    count=$(( n < 0 || n > 65536 - 8 ? 65536 : n + 8 ))
    head -c "$count" "$file" > "$headers/${relative//\//_}"
done < <(find "$fixtures" -name '*.safetensors' | sort)

while IFS= read -r file; do
    relative=${file#"$fixtures"/}
    cp "$file" "$configs/${relative//\//_}"
done < <(find "$fixtures" -name adapter_config.json | sort)

echo "$(ls "$headers" | wc -l) header seeds, $(ls "$configs" | wc -l) config seeds"
