import LoomCore
import LoomDocuments
import LoomJSON
import Registry

/// The tables of `loom ls`, fitted to a width (``Table``).
enum ListRendering {
    /// One table per kind in `kinds` ("bases", "adapters", "artifacts", "recipes"), separated by blank lines;
    /// `allBases` (every base, filtered out or not) names the artifacts' bases.
    static func tables(_ listing: Listing, kinds: Set<String>, width: Int?, allBases: [BaseRecord]) -> String {
        var sections: [String] = []
        if kinds.contains("bases") {
            var t = Table("BASE", "DIGEST", "ARCH", "DTYPE", "PARAMS", "SIZE", "CREATED")
            t.keep("DIGEST", "DTYPE", "PARAMS", "SIZE")
            t.prefer("BASE")
            for b in listing.bases {
                t.add(b.reference, Format.short(b.manifestDigest), b.architecture ?? "-", b.dtype, Format.count(b.parameterCount),
                      Format.bytes(b.totalSize), Format.shortAge(b.createdAt))
            }
            sections.append(t.render(width: width))
        }
        if kinds.contains("adapters") {
            var t = Table("ADAPTER", "DIGEST", "BASE", "TYPE", "R", "ALPHA", "SIZE", "CREATED")
            t.keep("DIGEST", "R", "ALPHA", "SIZE")
            t.minimum("TYPE", 4)
            t.prefer("ADAPTER", "BASE")
            for a in listing.adapters {
                let type = a.peftType + (a.useDora ? "+DoRA" : "") + (a.useRslora ? " rs" : "")
                t.add(a.reference, Format.short(a.manifestDigest), a.baseReference, type, a.r.map(String.init) ?? "-",
                      a.loraAlpha.map(number) ?? "-", Format.bytes(a.totalSize), Format.shortAge(a.createdAt))
            }
            sections.append(t.render(width: width))
        }
        if kinds.contains("artifacts") {
            var t = Table("ARTIFACT", "NAME", "BASE", "DTYPE", "SIZE", "LAST USED", "PINNED")
            t.keep("ARTIFACT", "DTYPE", "SIZE", "PINNED")
            t.prefer("NAME", "BASE")
            let bases = Dictionary(allBases.map { ($0.manifestDigest, $0.reference) }, uniquingKeysWith: { a, _ in a })
            for (a, name) in zip(listing.artifacts, names(listing.artifacts)) {
                t.add(Format.short(a.key), name, bases[a.baseDigest] ?? Format.short(a.baseDigest), a.dtype,
                      Format.bytes(a.totalSize), Format.shortAge(a.lastUsedAt), a.pinned ? "pinned" : listing.holds[a.key] != nil ? "held" : "")
            }
            sections.append(t.render(width: width))
        }
        if kinds.contains("recipes") { sections.append(recipeTable(listing.recipes, width: width)) }
        return sections.joined(separator: "\n\n")
    }

    /// The recipe table of `ls` and `recipe ls`: name, inputs as asked, time since the last change.
    static func recipeTable(_ recipes: [RecipeRecord], width: Int?) -> String {
        var t = Table("RECIPE", "INPUTS", "UPDATED")
        t.prefer("RECIPE")
        for r in recipes { t.add(r.name, RecipeText.summary(r), Format.shortAge(r.updatedAt)) }
        return t.render(width: width)
    }

    /// Each artifact's label; a label that several artifacts on different bases share gets the base's
    /// `NAME@V` from the provenance (`sql on llama@2`), so that two rows never read the same for different models.
    static func names(_ artifacts: [ArtifactRecord]) -> [String] {
        let labels = artifacts.map(Names.artifactLabel)
        var basesByLabel: [String: Set<String>] = [:]
        for (a, label) in zip(artifacts, labels) { basesByLabel[label, default: []].insert(a.baseDigest) }
        return zip(artifacts, labels).map { a, label in
            guard (basesByLabel[label]?.count ?? 0) > 1 else { return label }
            let base = a.provenance["base"]
            let name = base?["name"]?.stringValue.map { n in base?["version"]?.intValue.map { "\(n)@\($0)" } ?? n }
            return "\(label) on \(name ?? Format.short(a.baseDigest))"
        }
    }

    /// `16` for 16.0, `0.5` for 0.5.
    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }
}
