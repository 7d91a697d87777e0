package import LoomCore
import Foundation

extension Registry {
    /// The holder a hold is taken for when none is given: `user@host`.
    package static var defaultHolder: String {
        "\(ProcessInfo.processInfo.environment["USER"] ?? NSUserName())@\(hostName)"
    }

    /// Holds the artifact `text` names (a key or unique prefix, or a built recipe or adapter) for
    /// `duration` from now, for `holder` (default ``defaultHolder``): gc keeps it until then, whatever
    /// the budget. Taking a hold again replaces the same holder's earlier one (extends or shortens it);
    /// other holders' holds are independent. Counts as use (touches its last use).
    ///
    /// - Throws: ``RegistryError`` `.notFound` when nothing built matches; `.invalid` for a zero duration
    ///   or a holder longer than 128 bytes.
    package func hold(_ text: String, for duration: Duration, holder: String? = nil) throws(RegistryError) -> HoldRecord {
        guard duration > .zero else { throw .invalid("a hold needs a duration longer than 0 (use --release to end one)") }
        guard try existingCatalog() != nil else { throw .notFound("nothing named \(Names.quoted(text)) (the store is empty)") }
        let catalog = try writableCatalog()
        let key = try artifactKey(for: text, catalog: catalog)
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
        do {
            let record = try catalog.holdArtifact(
                key: key, holder: holder ?? Self.defaultHolder, until: clock().addingTimeInterval(seconds))
            try? catalog.touchArtifact(key: key)
            return record
        } catch {
            throw RegistryError(error)
        }
    }

    /// Releases `holder`'s hold (default ``defaultHolder``; every holder's with `everyone`) on the artifact
    /// `text` names. Idempotent.
    ///
    /// - Returns: the key and the holds released (empty when there was none).
    /// - Throws: ``RegistryError`` `.notFound` when nothing built matches.
    package func releaseHold(_ text: String, holder: String? = nil, everyone: Bool = false) throws(RegistryError)
        -> (key: String, released: [HoldRecord])
    {
        guard try existingCatalog() != nil else { throw .notFound("nothing named \(Names.quoted(text)) (the store is empty)") }
        let catalog = try writableCatalog()
        let key = try artifactKey(for: text, catalog: catalog)
        do {
            return (key, try catalog.releaseHolds(key: key, holder: everyone ? nil : holder ?? Self.defaultHolder))
        } catch {
            throw RegistryError(error)
        }
    }

    /// The live hold that lasts longest on each held artifact, by key. An absent store has none.
    package func liveHolds() throws(RegistryError) -> [String: HoldRecord] {
        guard let catalog = try existingCatalog() else { return [:] }
        let now = clock()
        do {
            var out: [String: HoldRecord] = [:]
            for hold in try catalog.holds() where hold.isLive(at: now) {
                if let other = out[hold.key], other.until >= hold.until { continue }
                out[hold.key] = hold
            }
            return out
        } catch {
            throw RegistryError(error)
        }
    }
}
