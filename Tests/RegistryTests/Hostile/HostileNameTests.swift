import LoomCore
import SQLiteCatalog
import Foundation
import LoomTesting
import Testing

@testable import Registry

/// Names outside `[A-Za-z0-9][A-Za-z0-9._-]{0,127}` are refused for bases and adapters alike, quoted
/// safely in the message, before anything is stored; allowed names with SQL-ish characters are
/// stored and found literally.
@Suite struct HostileNameTests {
    /// Registers llama-tiny as a base and llama-qv as an adapter under `name`, expecting both refused
    /// with the rule, the message containing `quoted`.
    @discardableResult
    func refuse(_ name: String, quotedAs quoted: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [RegistryError] {
        let store = try HostileStore()
        let base = Fixtures.path("bases/llama-tiny")
        let adapter = Fixtures.path("adapters/llama-qv")
        let errors = [
            try store.refuseBase(base, name: name, mentioning: ["invalid name \(quoted)", Names.rule], sourceLocation: sourceLocation),
            try store.refuseAdapter(adapter, name: name, mentioning: ["invalid name \(quoted)", Names.rule], sourceLocation: sourceLocation),
        ].compactMap { $0 }
        for error in errors {
            #expect(error.message.utf8.count < 400, "the message repeats the whole name", sourceLocation: sourceLocation)
            #expect(!error.message.unicodeScalars.contains { $0.value < 0x20 }, "a control character in the message", sourceLocation: sourceLocation)
        }
        return errors
    }

    @Test func emptyNameIsRefused() throws {
        try refuse("", quotedAs: #""""#)
    }

    @Test func nameWithSlashIsRefused() throws {
        try refuse("org/model", quotedAs: #""org/model""#)
    }

    @Test func nameWithDotDotSlashIsRefused() throws {
        try refuse("../../etc", quotedAs: #""../../etc""#)
    }

    @Test func nameWithColonIsRefused() throws {
        try refuse("model:2", quotedAs: #""model:2""#)
    }

    @Test func nameWithAtSignIsRefused() throws {
        try refuse("model@2", quotedAs: #""model@2""#)
    }

    @Test func nameWithNULIsRefused() throws {
        try refuse("model\u{0}evil", quotedAs: #""model\u{0}evil""#)
    }

    @Test func nameWithNewlineIsRefused() throws {
        try refuse("model\nERROR: forged line", quotedAs: #""model\u{a}ERROR: forged line""#)
    }

    @Test func tenKilobyteNameIsRefused() throws {
        try refuse(String(repeating: "n", count: 10_240), quotedAs: "\"" + String(repeating: "n", count: 60) + "…(10240 bytes)\"")
    }

    @Test func nameOf129CharactersIsRefused() throws {
        try refuse(String(repeating: "a", count: 129), quotedAs: "\"" + String(repeating: "a", count: 60) + "…(129 bytes)\"")
    }

    @Test func nameWithSingleQuoteIsRefused() throws {
        try refuse("x' OR '1'='1", quotedAs: #""x' OR '1'='1""#)
    }

    @Test func nameWithSemicolonIsRefused() throws {
        try refuse("x; DROP TABLE bases", quotedAs: #""x; DROP TABLE bases""#)
    }

    @Test func nameWithDoubleQuoteIsQuotedUnambiguously() throws {
        try refuse(#"x"; DROP TABLE bases; --"#, quotedAs: #""x\"; DROP TABLE bases; --""#)
    }

    @Test func nameWithBackslashIsQuotedUnambiguously() throws {
        try refuse(#"x\"#, quotedAs: #""x\\""#)
    }

    @Test func nameWithPercentWildcardIsRefused() throws {
        try refuse("llama%", quotedAs: #""llama%""#)
    }

    @Test func nonASCIINameIsRefused() throws {
        try refuse("llamа", quotedAs: "\"llamа\"")
    }

    @Test func allowedNameWithDotsDashesAndUnderscoresRoundTrips() throws {
        let store = try HostileStore(withBase: false)
        try store.harness.addBase("llama-tiny", as: "a-b.c_d")
        try store.harness.addAdapter("llama-qv", as: "x--y_z.1", base: "a-b.c_d")
        let listing = try store.registry.list()
        #expect(listing.bases.map(\.name) == ["a-b.c_d"])
        #expect(listing.adapters.map(\.name) == ["x--y_z.1"])
        #expect(listing.adapters.map(\.baseName) == ["a-b.c_d"])
        guard case .base(let base, _, _, let adapters) = try store.registry.show("a-b.c_d"),
            case .adapter(let adapter, _) = try store.registry.show("x--y_z.1@1")
        else {
            Issue.record("show did not find the base and the adapter")
            return
        }
        #expect(base.name == "a-b.c_d" && adapters.map(\.name) == ["x--y_z.1"])
        #expect(adapter.name == "x--y_z.1" && adapter.baseName == "a-b.c_d")
    }

    @Test func underscoreInANameIsNotAWildcard() throws {
        let store = try HostileStore(withBase: false)
        try store.harness.addBase("llama-tiny", as: "a_b")
        for lookalike in ["aXb", "a-b", "A_B", "a_b@2"] {
            try store.refuse(.notFound, mentioning: [lookalike]) { _ = try $0.show(lookalike) }
        }
        try store.refuse(.notFound, mentioning: ["base aXb is not registered"]) {
            _ = try $0.registerAdapter(directory: Fixtures.path("adapters/llama-qv"), name: "q", base: Reference(name: "aXb"))
        }
    }

    @Test func refusedNamesLeaveTheCatalogUsable() throws {
        let store = try HostileStore()
        try store.refuseBase(Fixtures.path("bases/llama-tiny"), name: "x'); DELETE FROM bases; --", mentioning: [Names.rule])
        try store.harness.addAdapter("llama-qv", as: "after")
        #expect(try store.registry.list().bases.map(\.name) == ["llama-tiny"])
        #expect(try store.registry.list().adapters.map(\.name) == ["after"])
    }
}
