import LoomCore

extension Registry {
    /// Every change to the catalog, oldest first, with the hash chain of the whole log checked.
    ///
    /// - Parameter limit: keep only the `limit` most recent events (still oldest first); nil keeps all.
    ///   The chain is checked over the whole log either way.
    /// - Returns: an empty, verified log when the store does not exist (nothing is created).
    /// - Throws: ``RegistryError`` `.invalid` for a negative limit; `.io` when the catalog cannot be read.
    ///   A broken chain is reported in the result, not thrown; when an edited row no longer parses,
    ///   the events before it are returned with the chain findings that name it.
    package func log(limit: Int? = nil) throws(RegistryError) -> EventLog {
        if let limit, limit < 0 { throw .invalid("--limit must not be negative, not \(limit)") }
        guard let catalog = try existingCatalog() else { return EventLog(events: [], total: 0, chainFindings: []) }
        var events: [EventRecord] = []
        var unreadable: CatalogError?
        var pageSize = 1000
        while true {
            let page: [EventRecord]
            do {
                page = try catalog.events(after: events.last?.seq ?? 0, limit: pageSize)
            } catch let error as CatalogError where error.kind == .corrupt {
                // An edited row may no longer parse: the chain check below names it, so read up to it one by one.
                if pageSize == 1 {
                    unreadable = error
                    break
                }
                pageSize = 1
                continue
            } catch {
                throw RegistryError(error)
            }
            events += page
            if page.count < pageSize { break }
        }
        let findings: [ChainFinding]
        do {
            findings = try catalog.verifyChain()
        } catch {
            throw RegistryError(error)
        }
        if let unreadable, findings.isEmpty { throw RegistryError(unreadable) }
        let total = events.count
        if let limit { events = Array(events.suffix(limit)) }
        return EventLog(events: events, total: total, chainFindings: findings)
    }
}
