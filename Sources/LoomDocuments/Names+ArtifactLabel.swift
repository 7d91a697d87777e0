package import LoomCore
import LoomJSON
package import Registry

extension Names {
    /// How an artifact is named for people: the recipe name, else the adapters as asked (`a:0.7 + b:0.3`),
    /// else `-`. The `name` field of every artifact document, and the NAME column of `ls`.
    package static func artifactLabel(_ a: ArtifactRecord) -> String {
        let asked = a.provenance["asked"]
        if let recipe = asked?["recipe"]?.stringValue { return recipe }
        let adapters = asked?["adapters"]?.arrayValue?.compactMap { $0["asked"]?.stringValue } ?? []
        return adapters.isEmpty ? "-" : adapters.joined(separator: " + ")
    }
}
