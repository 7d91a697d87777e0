package import LoomCore
package import LoomJSON

/// An artifact's provenance as an in-toto Statement v1 with a SLSA Provenance v1 predicate.
///
/// Shape (members always in this order, so the same artifact always gives the same bytes):
/// ```
/// {"_type": "https://in-toto.io/Statement/v1",
///  "subject": [{"name": <output file path>, "digest": {"sha256": <64 hex>}}, …],      // by path
///  "predicateType": "https://slsa.dev/provenance/v1",
///  "predicate": {
///    "buildDefinition": {
///      "buildType": ``buildType``,
///      "externalParameters": <the recipe as asked: names, weights, dtype, `combine` when not linear, `qlora` when set>,
///      "internalParameters": {"engine_version", "recipe" (canonical, every input a digest), "cache_key"},
///      "resolvedDependencies": [{"name": "base:NAME@V", "digest": {"sha256": …}},
///                               {"name": "adapter:NAME@V", "digest": {"sha256": …}, "annotations": {"weight": …}}, …]},
///    "runDetails": {
///      "builder": {"id": "urn:loom:<loom version>:engine:<engine version>", "version": {"loom", "engine"}},
///      "metadata": {"invocationId": <cache key>, "startedOn": <ISO-8601>, "finishedOn": <ISO-8601>}}}}
/// ```
/// Dependency digests are manifest digests (sha256 of the canonical `[[path, digest, size], …]` list
/// of the base's or adapter's files). Pure; thread-safe.
package enum InTotoStatement {
    /// `_type` of an in-toto Statement v1.
    package static let statementType = "https://in-toto.io/Statement/v1"
    /// `predicateType` of SLSA Provenance v1.
    package static let predicateType = "https://slsa.dev/provenance/v1"
    /// The SLSA `buildType` of a loom merge: W' = W0 + Σ weight·scaling·ΔW computed in float32 and
    /// rounded once to the output dtype, with `externalParameters` the recipe as asked and
    /// `internalParameters` the engine version and the resolved canonical recipe.
    package static let buildType = "https://github.com/loom/loom/merge@v1"

    /// `runDetails.builder.id`: a URN naming what built the artifact, loom's version and its merge
    /// engine's (`urn:loom:0.1.0:engine:loom-merge/1`). A URN, not a URL: loom has no public home a
    /// verifier could resolve, and a URL would claim one.
    package static func builderID(loomVersion: String, engineVersion: String) -> String {
        "urn:loom:\(loomVersion):engine:\(engineVersion)"
    }

    /// The statement for `artifact` (loaded with its files), from its catalog rows and provenance.
    ///
    /// Subjects come from the artifact's file rows, the authoritative manifest; everything else from
    /// its provenance, falling back to the rows for artifacts whose provenance lacks a field.
    package static func statement(for artifact: ArtifactRecord) -> JSONValue {
        let provenance = artifact.provenance
        var statement = JSONObject()
        statement["_type"] = .string(statementType)
        statement["subject"] = .array(
            (artifact.files ?? []).sorted { $0.path < $1.path }.map { file in
                .object(["name": .string(file.path), "digest": sha256(file.digest)])
            })
        statement["predicateType"] = .string(predicateType)

        var definition = JSONObject()
        definition["buildType"] = .string(buildType)
        definition["externalParameters"] = provenance["asked"] ?? .object(["dtype": .string(artifact.dtype)])
        definition["internalParameters"] = .object([
            "engine_version": .string(artifact.engineVersion), "recipe": artifact.recipe, "cache_key": .string(artifact.key),
        ])
        definition["resolvedDependencies"] = .array(dependencies(of: artifact))

        let loomVersion = provenance["loom_version"]?.stringValue ?? LoomVersion.current
        let created = Timestamps.iso(artifact.createdAt)
        var run = JSONObject()
        run["builder"] = .object([
            "id": .string(builderID(loomVersion: loomVersion, engineVersion: artifact.engineVersion)),
            "version": .object(["loom": .string(loomVersion), "engine": .string(artifact.engineVersion)]),
        ])
        run["metadata"] = .object([
            "invocationId": .string(artifact.key),
            "startedOn": .string(provenance["started_at"]?.stringValue ?? created),
            "finishedOn": .string(provenance["finished_at"]?.stringValue ?? created),
        ])
        statement["predicate"] = .object([
            "buildDefinition": .object(definition), "runDetails": .object(run),
        ])
        return .object(statement)
    }

    /// The base, then the adapters in the order asked, as SLSA resource descriptors.
    private static func dependencies(of artifact: ArtifactRecord) -> [JSONValue] {
        let provenance = artifact.provenance
        let base = provenance["base"]
        var out: [JSONValue] = [
            .object([
                "name": .string("base:" + label(base, fallback: artifact.baseDigest)),
                "digest": sha256(base?["digest"]?.stringValue ?? artifact.baseDigest),
            ])
        ]
        if let adapters = provenance["adapters"]?.arrayValue {
            for adapter in adapters {
                let digest = adapter["digest"]?.stringValue ?? ""
                out.append(
                    .object([
                        "name": .string("adapter:" + label(adapter, fallback: digest)), "digest": sha256(digest),
                        "annotations": .object(["weight": adapter["weight"] ?? .null]),
                    ]))
            }
        } else {
            for input in artifact.inputs {
                out.append(
                    .object([
                        "name": .string("adapter:" + input.adapterDigest), "digest": sha256(input.adapterDigest),
                        "annotations": .object(["weight": .double(input.weight)]),
                    ]))
            }
        }
        return out
    }

    /// `NAME@V` from a provenance entry, or `fallback` when the entry lacks them.
    private static func label(_ entry: JSONValue?, fallback: String) -> String {
        guard let name = entry?["name"]?.stringValue, let version = entry?["version"]?.intValue else { return fallback }
        return "\(name)@\(version)"
    }

    /// `{"sha256": <hex>}` for a `sha256:<hex>` digest.
    private static func sha256(_ digest: String) -> JSONValue {
        .object(["sha256": .string(String(Digest.hexPart(of: digest)))])
    }
}
