#!/usr/bin/env bash
# Runs the libFuzzer targets one after the other, each for a bounded time (Tests/Fuzz/README.md).
#
#   Scripts/fuzz.sh [seconds-per-target] [target…]
#
# Default: 60 seconds each for fuzz-safetensors-header and fuzz-adapter-config. Builds each target
# with -sanitize=fuzzer,address -DFUZZING into .build-fuzz, fuzzes a copy of its seed corpus in
# .build-fuzz/corpus/<target> (so the committed corpus stays small; the copy keeps growing across
# runs), writes crashes to .build-fuzz/artifacts/<target>-*, prints the execution count, and exits 1
# when a run leaves a crash, timeout or out-of-memory file. Extra libFuzzer flags go in FUZZ_FLAGS
# (for example FUZZ_FLAGS=-runs=1000000). Reproduce a crash with the same binary and the file, or
# with a normal build: swift run fuzz-adapter-config .build-fuzz/artifacts/fuzz-adapter-config-crash-…
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift $(( $# > 0 ? 1 : 0 ))
targets=("$@")
(( ${#targets[@]} > 0 )) || targets=(fuzz-safetensors-header fuzz-adapter-config)
read -r -a extra <<< "${FUZZ_FLAGS:-}"

# The backtracer can hold libFuzzer's pipe open for minutes after a crash.
export SWIFT_BACKTRACE=enable=no
build=(-Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING --scratch-path .build-fuzz)
mkdir -p .build-fuzz/artifacts
failed=0

for target in "${targets[@]}"; do
    name=${target#fuzz-}
    [[ -d Tests/Fuzz/corpus/$name ]] || { echo "fuzz.sh: unknown target $target" >&2; exit 2; }
    swift build --product "$target" "${build[@]}"
    binary="$(swift build --show-bin-path "${build[@]}")/$target"

    corpus=.build-fuzz/corpus/$target
    mkdir -p "$corpus"
    for seed in Tests/Fuzz/corpus/"$name"/*; do
        [[ -e $corpus/${seed##*/} ]] || cp "$seed" "$corpus"/
    done
    stamp=$(mktemp .build-fuzz/artifacts/.stamp.XXXXXX)
    log=.build-fuzz/$target.log

    echo "== $target: ${seconds}s, corpus $corpus"
    status=0
    "$binary" "$corpus" -max_total_time="$seconds" -dict=Tests/Fuzz/"$name".dict -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix=.build-fuzz/artifacts/"$target"- ${extra[@]+"${extra[@]}"} 2>&1 | tee "$log" \
        || status=$?

    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    found=$(find .build-fuzz/artifacts -name "$target-*" -newer "$stamp" | sort)
    rm -f "$stamp"
    echo "== $target: ${executions:-?} executions, exit status $status"
    if [[ -n $found ]]; then
        echo "== $target: found $(wc -l <<< "$found") input(s) to fix:"
        echo "$found"
        failed=1
    elif (( status != 0 )); then
        failed=1
    fi
done
exit $failed
