#!/bin/sh
# Builds bench.c with the toolchain's clang at -O2 (as a release build of the package does), links the
# kernels and OpenBLAS, and runs it on one OpenBLAS thread. Arguments: [matrix size] [conversion elements].
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src="$here/../../Sources/CMergeKernels"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
clang -O2 -Wall -I"$src/include" "$src"/*.c "$here/bench.c" -lopenblas -o "$out/bench"
OPENBLAS_NUM_THREADS=1 "$out/bench" "$@"
