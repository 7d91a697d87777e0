#!/bin/sh
# Ingest throughput of BlobStore vs cp + sync + openssl on the same file, in one run (release build).
# Builds a throwaway package outside the repository that links Sources/BlobStore and Sources/LoomFaults.
#   Scripts/bench-blobstore.sh [SIZE_MIB] [ROUNDS]      (default 1024 MiB, 3 rounds)
# Scratch space: $BENCH_DIR (default /tmp/loom-blobstore-bench), on the file system being measured.
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
size_mib=${1:-1024}
rounds=${2:-3}
dir=${BENCH_DIR:-/tmp/loom-blobstore-bench}
pkg="$dir/package"
mkdir -p "$pkg/Sources/BenchMain" "$dir/scratch"
ln -sfn "$repo/Sources/BlobStore" "$pkg/Sources/BlobStore"
ln -sfn "$repo/Sources/LoomFaults" "$pkg/Sources/LoomFaults"
ln -sfn "$repo/Scripts/BlobStoreBench/main.swift" "$pkg/Sources/BenchMain/main.swift"
cat > "$pkg/Package.swift" <<SWIFT
// swift-tools-version: 6.1
import PackageDescription
let package = Package(
    name: "blobstore-bench",
    dependencies: [.package(url: "https://github.com/apple/swift-crypto", from: "4.5.2")],
    targets: [
        .target(name: "LoomFaults"),
        .target(name: "BlobStore", dependencies: ["LoomFaults", .product(name: "Crypto", package: "swift-crypto")]),
        .executableTarget(name: "BenchMain", dependencies: ["BlobStore"]),
    ]
)
SWIFT
swift build -c release --package-path "$pkg" --product BenchMain >&2
src="$dir/scratch/source.bin"
want=$((size_mib * 1048576))
if [ ! -f "$src" ] || [ "$(stat -c %s "$src")" -ne "$want" ]; then
    head -c "$want" /dev/urandom > "$src"
fi
"$pkg/.build/release/BenchMain" "$src" "$dir/scratch" "$rounds"
