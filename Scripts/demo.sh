#!/usr/bin/env bash
# The quick start demo: installs missing system packages (unless --no-install), builds loom in release
# mode, and runs the main flow on the default store (./Store) with the fixtures in this repository.
# Safe to run again: registrations are idempotent and builds come from the cache.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${1:-}" = "--no-install" ] || Scripts/install-deps.sh

swift build -c release --product loom
loom() { echo "+ loom $*" >&2; .build/release/loom "$@"; }

loom base add Tests/Fixtures/peft/bases/llama-tiny --name llama-tiny
loom adapter add Tests/Fixtures/peft/adapters/llama-qv --name llama-qv
loom adapter add Tests/Fixtures/peft/adapters/llama-qv-b --name llama-qv-b
loom build llama-qv
loom build llama-qv --json
loom build --base llama-tiny --adapter llama-qv:0.7 --adapter llama-qv-b:0.3 --dtype f32 --json
loom recipe add demo-mix --base llama-tiny --adapter llama-qv:0.7 --adapter llama-qv-b:0.3 --dtype f32
loom build demo-mix
loom pin demo-mix
loom gc --dry-run --max-size 0
loom audit demo-mix
loom verify
loom ls
