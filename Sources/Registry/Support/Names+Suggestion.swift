import LoomCore

extension Names {
    /// The candidate closest to `name` by edit distance (Levenshtein, case-insensitive), when it is close
    /// enough to be a typo: at most 1 edit for names up to 4 characters, then a third of the length, at
    /// most 3. Ties go to the alphabetically first. Nil when `name` itself is a candidate or none is close.
    package static func suggestion(for name: String, among candidates: some Sequence<String>) -> String? {
        let limit = min(3, max(1, name.count / 3))
        var best: (distance: Int, name: String)?
        for candidate in Set(candidates) where candidate != name {
            let d = editDistance(name.lowercased(), candidate.lowercased())
            guard d <= limit else { continue }
            if best.map({ d < $0.distance || (d == $0.distance && candidate < $0.name) }) ?? true { best = (d, candidate) }
        }
        return best?.name
    }

    /// Insertions, deletions and substitutions turning `a` into `b` (Unicode scalars; O(|a|·|b|)).
    package static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

extension Registry {
    /// `; did you mean "NAME"?` for the registered base, adapter or recipe name closest to `name`, or "".
    /// Best effort: a catalog that cannot be read suggests nothing.
    /// What to add to "… is not registered" for `reference`: that `NAME@N` was removed (its number is
    /// never given again) when it was, else a did-you-mean suggestion, else nothing.
    func whyMissing(_ reference: Reference, catalog: any CatalogStore) -> String {
        if let version = reference.version {
            for kind in [NameKind.adapter, .base] {
                if let high = try? catalog.highestVersionEver(of: reference.name, kind: kind), version <= high {
                    return " (\(kind.rawValue) \(reference) was removed; version numbers are never reused)"
                }
            }
        }
        return didYouMean(reference.name, catalog: catalog)
    }

    func didYouMean(_ name: String, catalog: any CatalogStore) -> String {
        let names = ((try? catalog.bases().map(\.name)) ?? []) + ((try? catalog.adapters().map(\.name)) ?? [])
            + ((try? catalog.recipes().map(\.name)) ?? [])
        return Names.suggestion(for: name, among: names).map { "; did you mean \(Names.quoted($0))?" } ?? ""
    }
}
