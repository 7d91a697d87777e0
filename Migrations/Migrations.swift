/// The catalog's migrations, embedded at build time, in the order they apply.
///
/// Each entry is `(id, sql)`; `id` is the file name without `.sql`. The SQL comes from
/// `Migrations/NNNN_verb_noun.sql` through SwiftPM's `embedInCode`, so a `loom` binary copied alone
/// still carries its schema.
package enum LoomMigrations {
    /// Every migration, oldest first. Immutable; safe to read from any thread.
    package static let all: [(id: String, sql: String)] = [
        ("0001_create_catalog", String(decoding: PackageResources._001_create_catalog_sql, as: UTF8.self)),
        ("0002_create_recipes", String(decoding: PackageResources._002_create_recipes_sql, as: UTF8.self)),
        ("0003_record_blob_stats", String(decoding: PackageResources._003_record_blob_stats_sql, as: UTF8.self)),
        ("0004_add_lease_holder_start", String(decoding: PackageResources._004_add_lease_holder_start_sql, as: UTF8.self)),
        ("0005_add_recipe_combine", String(decoding: PackageResources._005_add_recipe_combine_sql, as: UTF8.self)),
        ("0006_keep_version_numbers", String(decoding: PackageResources._006_keep_version_numbers_sql, as: UTF8.self)),
        ("0007_add_base_hub_ids_and_aliases", String(decoding: PackageResources._007_add_base_hub_ids_and_aliases_sql, as: UTF8.self)),
        ("0008_create_artifact_holds", String(decoding: PackageResources._008_create_artifact_holds_sql, as: UTF8.self)),
        ("0010_create_adapter_extractions", String(decoding: PackageResources._010_create_adapter_extractions_sql, as: UTF8.self)),
        ("0011_add_recipe_qlora", String(decoding: PackageResources._011_add_recipe_qlora_sql, as: UTF8.self)),
    ]
}
