internal import LoomCore
import Foundation

extension Registry {
    /// The registered base that `named` (an adapter config's `base_model_name_or_path`) stands for, tried
    /// in this order, the first that matches winning:
    ///
    /// 1. a base name or alias, exactly;
    /// 2. a Hugging Face cache snapshot path (`…/models--ORG--NAME/snapshots/REV`): the base recorded
    ///    with that repo and revision;
    /// 3. a Hub id `ORG/NAME` or `ORG/NAME@REV`: the bases recorded with that repo (and revision);
    /// 4. a path: the base registered from that directory;
    /// 5. the last path component as a name or alias (`meta-llama/llama-tiny` → `llama-tiny`).
    ///
    /// A match of several versions of one base takes the latest of them.
    ///
    /// - Throws: ``RegistryError`` `.notFound` when nothing matches, `.invalid` when bases of several
    ///   names match; both on one line naming `shown`, and the candidates (or the registered bases).
    func resolveNamedBase(_ named: String, catalog: (any CatalogStore)?, shown: String) throws(RegistryError) -> BaseRecord {
        let bases: [BaseRecord]
        let aliases: [(alias: String, name: String)]
        do {
            bases = try catalog?.bases() ?? []
            aliases = try catalog?.baseAliases() ?? []
        } catch {
            throw RegistryError(error)
        }
        let aliasTarget = Dictionary(aliases.map { ($0.alias, $0.name) }, uniquingKeysWith: { a, _ in a })
        func byName(_ name: String) -> [BaseRecord] {
            let target = bases.contains { $0.name == name } ? name : aliasTarget[name]
            return bases.filter { $0.name == target }
        }
        let trimmed = named.hasSuffix("/") && named.count > 1 ? String(named.dropLast()) : named
        let last = trimmed.split(separator: "/").last.map(String.init) ?? trimmed
        let snapshot = HubID.fromSnapshotPath(trimmed)
        let hub = snapshot == nil && !trimmed.hasPrefix("/") && !trimmed.hasPrefix(".") ? HubID.parse(trimmed) : nil
        let path = trimmed.hasPrefix("/") ? URL(fileURLWithPath: trimmed).standardizedFileURL.path : nil
        let attempts: [[BaseRecord]] = [
            byName(named),
            snapshot.map { id in bases.filter { id.matches(repo: $0.hfRepo, revision: $0.hfRevision) } } ?? [],
            hub.map { id in bases.filter { id.matches(repo: $0.hfRepo, revision: $0.hfRevision) } } ?? [],
            path.map { p in bases.filter { $0.source.map { URL(fileURLWithPath: $0).standardizedFileURL.path } == p } } ?? [],
            last == named ? [] : byName(last),
        ]
        for matches in attempts where !matches.isEmpty {
            let names = Set(matches.map(\.name))
            guard names.count == 1 else {
                throw .invalid(
                    "\(shown) names base \(Names.quoted(named)), which matches several bases (\(Self.candidates(matches))); pass --base NAME")
            }
            if let latest = matches.max(by: { $0.version < $1.version }) { return latest }
        }
        let registered = bases.isEmpty ? "no base is registered" : "registered: " + Self.candidates(bases)
        throw .notFound(
            "\(shown) names base \(Names.quoted(named)), which is no registered base's name, alias, Hugging Face id or path (\(registered)); "
                + "register it with `loom base add`, give it as an alias with `loom base alias`, or pass --base NAME")
    }

    /// `name@v (org/name@rev)`, latest version of each name, at most 6 then `and N more`.
    static func candidates(_ bases: [BaseRecord]) -> String {
        var latest: [String: BaseRecord] = [:]
        for b in bases where (latest[b.name]?.version ?? 0) < b.version { latest[b.name] = b }
        let shown = latest.values.sorted { $0.name < $1.name }.map { b in b.reference + (b.hfID.map { " (\($0))" } ?? "") }
        let more = shown.count > 6 ? ", and \(shown.count - 6) more" : ""
        return shown.prefix(6).joined(separator: ", ") + more
    }

    /// Gives base `name` the alias `alias` (``CatalogStore/addBaseAlias(_:to:)``); returns false when it had it.
    ///
    /// - Throws: ``RegistryError`` `.notFound` for an unknown base, `.conflict` for a taken name.
    package func addBaseAlias(_ alias: String, to name: String) throws(RegistryError) -> Bool {
        try Names.validate(alias)
        do {
            return try writableCatalog().addBaseAlias(alias, to: name)
        } catch let error as RegistryError {
            throw error
        } catch {
            throw RegistryError(error)
        }
    }

    /// Removes the alias `alias` of base `name`.
    ///
    /// - Throws: ``RegistryError`` `.notFound` when it is not an alias of `name`.
    package func removeBaseAlias(_ alias: String, of name: String) throws(RegistryError) {
        do {
            try writableCatalog().removeBaseAlias(alias, of: name)
        } catch let error as RegistryError {
            throw error
        } catch {
            throw RegistryError(error)
        }
    }

    /// The aliases of base `name`, sorted; empty for an absent store.
    package func aliases(ofBase name: String) throws(RegistryError) -> [String] {
        do {
            return try existingCatalog()?.aliases(ofBase: name) ?? []
        } catch {
            throw RegistryError(error)
        }
    }
}
