// swift-tools-version: 6.1
// loom: a registry and artifact store for model adapters.
//
// Imports go one way (docs/architecture.md "Modules"; read "A ← B" as "B imports A"):
//   LoomJSON ← Safetensors, LoomCore, Merge, SQLiteCatalog, Registry, LoomDocuments, LoomCLI
//   LoomCore ← BlobStore, FileBlobStore, SQLiteCatalog, Registry, LoomDocuments, LoomCLI
//   BlobStore ← FileBlobStore, Registry, LoomBackends;  Merge, Safetensors ← Registry
//   FileBlobStore, SQLiteCatalog ← LoomBackends (the composition root, the one module naming a backend)
//   Registry ← LoomDocuments, LoomBackends ← LoomCLI ← loom
// OpenBLAS (CBLAS) is linked by Merge only. Safetensors, BlobStore, SQLiteCatalog and Merge never import
// each other.
import PackageDescription

// Every Swift target gets the same strictness (style.md rule 4).
let strictness: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "loom",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "loom", targets: ["loom"]),
        .executable(name: "loom-bench", targets: ["loom-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        // MARK: - Formats

        /** Order-preserving, strict, depth-bounded JSON: parse untrusted headers and configs, write canonical JSON. */
        .target(name: "LoomJSON", swiftSettings: strictness),

        /** Fault injection points (crash and full-disk tests); inert unless LOOM_FAULT* is set. */
        .target(name: "LoomFaults", swiftSettings: strictness),

        /** The safetensors format only: strict header parsing, mmapped tensor views, streaming writer, shard index. */
        .target(name: "Safetensors", dependencies: ["LoomJSON"], swiftSettings: strictness),

        // MARK: - Core

        /** The backend-neutral core: the Digest type, catalog records and errors, the catalog protocols. */
        .target(
            name: "LoomCore",
            dependencies: ["LoomJSON", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictness
        ),

        // MARK: - Storage

        /** Blob-store protocols (no file paths), digests, the hashing code, shared values, the in-memory store. */
        .target(
            name: "BlobStore",
            dependencies: ["LoomCore", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictness
        ),

        /** The file-system blob store: ingest (hash while writing, fsync, rename), its on-disk layout, local files. */
        .target(name: "FileBlobStore", dependencies: ["BlobStore", "LoomCore", "LoomFaults"], swiftSettings: strictness),

        /** The catalog's schema: numbered SQL files, embedded at build time so a copied-alone binary works. */
        .target(
            name: "LoomMigrations",
            path: "Migrations",
            exclude: ["README.md"],
            resources: [
                .embedInCode("0001_create_catalog.sql"),
                .embedInCode("0002_create_recipes.sql"),
                .embedInCode("0003_record_blob_stats.sql"),
                .embedInCode("0004_add_lease_holder_start.sql"),
                .embedInCode("0005_add_recipe_combine.sql"),
                .embedInCode("0006_keep_version_numbers.sql"),
                .embedInCode("0007_add_base_hub_ids_and_aliases.sql"),
                .embedInCode("0008_create_artifact_holds.sql"),
                .embedInCode("0010_create_adapter_extractions.sql"),
                .embedInCode("0011_add_recipe_qlora.sql"),
            ],
            swiftSettings: strictness
        ),

        /** The one SQLite option GRDB cannot set from Swift (a variadic C call). */
        .target(name: "CSQLiteOptions", dependencies: [.product(name: "GRDBSQLite", package: "GRDB.swift")]),

        /** The SQLite catalog (GRDB): migrations, queries, leases, the hash-chained event log, behind LoomCore's protocols. */
        .target(
            name: "SQLiteCatalog",
            dependencies: [
                "LoomCore", "LoomJSON", "LoomMigrations", "LoomFaults", "CSQLiteOptions",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictness
        ),

        // MARK: - Math

        /** OpenBLAS's cblas.h (system library). */
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),

        /** Fixed-order float kernels (low-rank update, dtype conversion) with per-CPU dispatch and identical bits everywhere. */
        .target(name: "CMergeKernels"),

        /** Pure merge math: adapter config, module matching, merge plan, ΔW, DoRA, IA3, dtype conversion. */
        .target(
            name: "Merge",
            dependencies: ["LoomJSON", "CBLAS", "CMergeKernels"],
            swiftSettings: strictness
        ),

        // MARK: - Use cases and the command line

        /** The use cases: register, build, ls, rm, gc, audit, verify. The only module that sees store, catalog and merge together. */
        .target(
            name: "Registry",
            dependencies: [
                "LoomCore", "LoomJSON", "LoomFaults", "Safetensors", "BlobStore", "Merge",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictness
        ),

        /** The composition root: builds a Registry over the chosen backends (the only module naming one). */
        .target(
            name: "LoomBackends",
            dependencies: [
                "Registry", "LoomCore", "BlobStore", "FileBlobStore", "SQLiteCatalog",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictness
        ),

        /** The JSON documents of every command (and, next, of the HTTP API): built from Registry's values, nothing else. */
        .target(
            name: "LoomDocuments",
            dependencies: ["LoomJSON", "LoomCore", "Registry"],
            swiftSettings: strictness
        ),

        /** argument-parser commands, tables and text; each command calls Registry once and prints a LoomDocuments document for --json. */
        .target(
            name: "LoomCLI",
            dependencies: [
                "Registry", "LoomBackends", "LoomDocuments", "LoomCore", "LoomJSON",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictness
        ),

        /** The `loom` executable: one entry point. */
        .executableTarget(name: "loom", dependencies: ["LoomCLI"], swiftSettings: strictness),

        /** Benchmark: synthetic inputs, loom vs cp+sync+sha256 measured in the same run. */
        .executableTarget(
            name: "loom-bench",
            dependencies: [
                "LoomJSON", "LoomCore", "Safetensors", "LoomBackends", "Registry", "BlobStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictness
        ),

        // MARK: - Fuzzing

        /** libFuzzer target: bytes → safetensors header at several file sizes → re-layout → re-parse (Tests/Fuzz/README.md). */
        .executableTarget(name: "fuzz-safetensors-header", dependencies: ["LoomTesting"], swiftSettings: strictness),

        /** libFuzzer target: bytes → adapter_config.json → analysis against synthetic llama and gpt2 bases → merge plan. */
        .executableTarget(name: "fuzz-adapter-config", dependencies: ["LoomTesting"], swiftSettings: strictness),

        // MARK: - Tests

        /** Test support: temporary stores, fixture locations, tensor comparison, the fuzz entry points, conformance suites. */
        .target(
            name: "LoomTesting",
            dependencies: ["LoomJSON", "LoomCore", "Safetensors", "Merge", "BlobStore"],
            swiftSettings: strictness
        ),

        .testTarget(name: "LoomJSONTests", dependencies: ["LoomJSON"], swiftSettings: strictness),
        .testTarget(name: "SafetensorsTests", dependencies: ["Safetensors", "LoomJSON", "LoomTesting"], swiftSettings: strictness),
        .testTarget(name: "LoomCoreTests", dependencies: ["LoomCore"], swiftSettings: strictness),
        .testTarget(name: "BlobStoreTests", dependencies: ["BlobStore", "FileBlobStore", "LoomCore", "LoomTesting"], swiftSettings: strictness),
        .testTarget(
            name: "SQLiteCatalogTests",
            dependencies: [
                "SQLiteCatalog", "LoomCore", "LoomMigrations", "LoomTesting", "LoomJSON",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictness
        ),
        .testTarget(name: "MergeTests", dependencies: ["Merge", "Safetensors", "LoomJSON", "CBLAS", "CMergeKernels", "LoomTesting"], swiftSettings: strictness),
        .testTarget(
            name: "RegistryTests",
            dependencies: [
                "Registry", "LoomBackends", "SQLiteCatalog", "LoomCore", "BlobStore", "Safetensors", "Merge", "LoomJSON", "LoomTesting",
                // Raw SQL and an independent sha256: to tamper with a store as an attacker would and check audit's
                // digests, and to plant leases of other (dead) processes for gc.
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictness
        ),
        .testTarget(
            name: "LoomDocumentsTests",
            dependencies: [
                "LoomDocuments", "Registry", "LoomCore", "SQLiteCatalog", "LoomJSON",
                // Records can only be decoded from catalog rows for now (see Records.swift).
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictness
        ),
        .testTarget(
            name: "LoomCLITests",
            dependencies: [
                "LoomCLI", "LoomDocuments", "LoomCore", "LoomJSON", "Safetensors", "LoomTesting",
                // Raw SQL, to edit an event row as an attacker would before running `loom verify`, and to plant
                // leases and read the catalog in crash and concurrency tests.
                .product(name: "GRDB", package: "GRDB.swift"),
                // An independent sha256, to check that every blob a crashed command left hashes to its name.
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["Snapshots"],  // golden help text, read from the source tree (RECORD_SNAPSHOTS=1 rewrites it)
            swiftSettings: strictness
        ),
        /** Replays the committed fuzz corpus and crash reproducers, plus seeded mutations (CI never runs the long fuzz). */
        .testTarget(name: "FuzzRegressionTests", dependencies: ["LoomTesting", "Merge"], swiftSettings: strictness),
    ]
)
