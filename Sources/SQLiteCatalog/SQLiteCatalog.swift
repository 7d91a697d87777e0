package import Foundation
internal import CSQLiteOptions
internal import GRDB
internal import LoomFaults
internal import LoomMigrations
package import Logging
internal import LoomCore

/// The SQLite catalog of a loom store: bases, adapters, artifacts, leases and the hash-chained event log.
///
/// One `catalog.sqlite` file in WAL mode, opened through a GRDB `DatabasePool`. Every write is one
/// `BEGIN IMMEDIATE` transaction that also appends its event, so a write either happens with its
/// event or not at all. Reads see one consistent snapshot each.
///
/// Thread and process safety: `SQLiteCatalog` is `Sendable`; every method may be called from any thread,
/// and several processes may open the same file at once. WAL lets readers run beside the single
/// writer; IMMEDIATE transactions take the write lock up front, and a writer waits up to the busy
/// timeout for it before failing with ``CatalogError/Kind/busy``.
///
/// ## Topics
/// - Opening: ``open(path:logger:clock:busyTimeout:)``, ``openExisting(path:logger:clock:busyTimeout:)``,
///   ``migrate(path:upTo:migrations:logger:)``, ``appliedMigrations()``
/// - Bases: ``registerBase(_:files:tensors:)``, ``removeBase(name:version:cascade:)``, ``bases()``
/// - Adapters: ``registerAdapter(_:files:)``, ``removeAdapter(name:version:)``, ``adapters()``
/// - Artifacts: ``insertArtifact(_:inputs:files:)``, ``touchArtifact(key:)``, ``setPinned(key:_:)``,
///   ``deleteArtifact(key:reason:)``, ``artifacts()``
/// - Blobs: ``referencedBlobs()``, ``holders(ofDigest:)``, ``snapshot(_:)``
/// - Leases: ``acquireLease(name:ttl:isStale:)``, ``renewLease(name:ttl:)``, ``releaseLease(name:)``
/// - Events and checks: ``recordEvent(_:)``, ``events(after:limit:)``, ``verifyChain()``, ``integrityCheck()``
package final class SQLiteCatalog: Sendable {
    /// The database file.
    package let path: String
    let pool: DatabasePool
    let logger: Logger
    let clock: @Sendable () -> Date
    let identity: ProcessIdentity
    /// Whether a write since the last checkpoint skipped it (``write(checkpoint:_:)``).
    let uncheckpointed = LockedFlag()

    /// True when opened by ``openReadOnly(path:immutable:logger:clock:busyTimeout:)``: every write fails.
    package let isReadOnly: Bool

    init(path: String, pool: DatabasePool, logger: Logger, clock: @escaping @Sendable () -> Date, isReadOnly: Bool = false) {
        self.path = path
        self.pool = pool
        self.logger = logger
        self.clock = clock
        self.identity = .current
        self.isReadOnly = isReadOnly
    }

    /// Opens the catalog at `path`, creating the file (and its parent directory) when missing, and
    /// applies pending migrations.
    ///
    /// - Parameters:
    ///   - clock: the time source for every time column and event (tests pass a fake one).
    ///   - busyTimeout: how long a write waits for another process's write lock.
    /// - Throws: ``CatalogError`` `.schemaTooNew` when the file holds a migration this binary does
    ///   not know; `.corrupt` when it is not a SQLite database; `.io` when it cannot be created or opened.
    package static func open(
        path: String, logger: Logger, clock: @escaping @Sendable () -> Date = Date.init,
        busyTimeout: Duration = .seconds(30)
    ) throws -> SQLiteCatalog {
        let catalog = try connect(path: path, logger: logger, clock: clock, busyTimeout: busyTimeout)
        _ = try catalog.migrate(LoomMigrations.all, upTo: nil)
        return catalog
    }

    /// Opens the catalog at `path` like ``open(path:logger:clock:busyTimeout:)``, or returns nil,
    /// creating nothing, when the file does not exist (read-only commands on a fresh store).
    ///
    /// - Throws: as ``open(path:logger:clock:busyTimeout:)``.
    package static func openExisting(
        path: String, logger: Logger, clock: @escaping @Sendable () -> Date = Date.init,
        busyTimeout: Duration = .seconds(30)
    ) throws -> SQLiteCatalog? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try open(path: path, logger: logger, clock: clock, busyTimeout: busyTimeout)
    }

    /// Opens a pool on `path` without migrating.
    static func connect(
        path: String, logger: Logger, clock: @escaping @Sendable () -> Date, busyTimeout: Duration
    ) throws -> SQLiteCatalog {
        do {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            var config = Configuration()
            config.label = "loom.catalog"
            config.foreignKeysEnabled = true
            config.busyMode = .timeout(busyTimeout.timeInterval)
            config.prepareDatabase { db in
                // FULL rather than NORMAL: in WAL mode NORMAL can lose the last commits on power
                // loss. A commit here records minutes of hashing and copying and is followed by
                // "registered" or "built" on the user's screen, and commits are rare, so one more
                // fsync of the WAL per commit is worth that promise.
                try db.execute(sql: "PRAGMA synchronous = FULL")
                // Each loom command is a short process: without this, every exit checkpoints the WAL
                // (two fdatasyncs), which dominated cache-hit latency. Checkpoints still run as writes grow the WAL.
                if let connection = db.sqliteConnection {
                    _ = loom_sqlite_no_checkpoint_on_close(UnsafeMutableRawPointer(connection))
                }
            }
            let pool = try openPool(path: path, configuration: config, patience: busyTimeout)
            // Again on the writer, the one connection that commits: opening the pool switched it to NORMAL
            // after `prepareDatabase` ran (GRDB's WAL set-up does so).
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            logger.debug("catalog opened", metadata: ["catalog.path": "\(path)"])
            return SQLiteCatalog(path: path, pool: pool, logger: logger, clock: clock)
        } catch {
            throw CatalogError.translating(error, path: path)
        }
    }

    /// Opens the pool, retrying for up to `patience` while another process holds the lock that switching
    /// the file to WAL needs.
    ///
    /// SQLite does not apply the busy timeout to `PRAGMA journal_mode = WAL`, which the pool runs on open:
    /// processes opening a new catalog at the same moment (eight `loom base add` on a fresh store) would
    /// otherwise fail at once with "database is locked". The mode persists in the file once one of them
    /// has switched it, so a retry finds it done.
    ///
    /// Blocks the calling thread (sleeping between tries, at most `patience` in all): only ever run while
    /// opening a connection, which is synchronous and happens once per catalog. Async callers open the
    /// catalog off the cooperative pool (as every blocking SQLite call must be).
    private static func openPool(path: String, configuration: Configuration, patience: Duration) throws -> DatabasePool {
        let deadline = ContinuousClock.now + patience
        var pause = Duration.milliseconds(2)
        while true {
            do {
                return try DatabasePool(path: path, configuration: configuration)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && ContinuousClock.now < deadline {
                Thread.sleep(forTimeInterval: pause.timeInterval)
                pause = min(pause * 2, .milliseconds(100))
            }
        }
    }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction and commits, with the fault points around the commit.
    ///
    /// - Parameter checkpoint: after the commit, copy the WAL into `catalog.sqlite` (a PASSIVE checkpoint:
    ///   it never waits for readers or writers, and does what it can). Off only for writes that are cheap
    ///   to lose from a copy of `catalog.sqlite` alone (a cache hit's last-use time, leases), so that a cache
    ///   hit pays no checkpoint fsyncs; the next checkpointing write, or ``checkpoint()``, carries them.
    /// - Parameter faultPoints: fire `catalog.before-commit`/`after-commit` (off only for writes whose
    ///   timing is not the command's own, such as a background lease renewal).
    func write<T>(checkpoint: Bool = true, faultPoints: Bool = true, _ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    if faultPoints { Fault.point("catalog.before-commit") }
                    return .commit
                }
                if faultPoints { Fault.point("catalog.after-commit") }
                guard let result else { throw CatalogError.io("catalog \(path): transaction ended without a result") }
                if checkpoint {
                    Self.checkpointPassively(db, path: path, logger: logger)
                    uncheckpointed.set(false)
                } else {
                    uncheckpointed.set(true)
                }
                return result
            }
        } catch {
            throw CatalogError.translating(error, path: path)
        }
    }

    /// Copies every committed transaction of the WAL into `catalog.sqlite` as far as readers allow (PASSIVE),
    /// so that the main file alone holds the catalog. For the end of a command that wrote without
    /// checkpointing. Never fails: a checkpoint that cannot complete now is done by a later one.
    package func checkpoint() {
        guard uncheckpointed.get() else { return }
        try? pool.writeWithoutTransaction { db in Self.checkpointPassively(db, path: path, logger: logger) }
        uncheckpointed.set(false)
    }

    // On a clean exit (a command's registry, and with it its catalog, goes away before the process
    // exits), what was written without a checkpoint is checkpointed; a crash never gets here, and the WAL
    // still holds it.
    deinit {
        checkpoint()
    }

    /// A PASSIVE checkpoint on the writer connection; a busy or failed one is only logged (the WAL stays
    /// valid and complete, and the next checkpoint catches up).
    static func checkpointPassively(_ db: Database, path: String, logger: Logger) {
        do {
            try db.checkpoint(.passive)
        } catch {
            logger.debug("catalog checkpoint skipped", metadata: ["catalog.path": "\(path)", "error": "\(error)"])
        }
    }

    /// Runs `body` on one consistent read snapshot.
    func read<T>(_ body: (SQLiteCatalogSnapshot) throws -> T) throws -> T {
        do {
            return try pool.read { db in try body(SQLiteCatalogSnapshot(db: db)) }
        } catch {
            throw CatalogError.translating(error, path: path)
        }
    }

    /// The current time in the catalog's text format.
    func now() -> String { Timestamp.string(clock()) }
}

/// A Bool behind a lock, for state a `Sendable` class changes.
final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    func get() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return value
    }

    func set(_ newValue: Bool) {
        lock.lock()
        defer { lock.unlock() }
        value = newValue
    }
}
