import ArgumentParser
import Foundation
import LoomDocuments
import LoomJSON
import LoomCore
import Registry
import Testing

@testable import LoomCLI

/// `loom gc`: SIZE and DURATION parsing, usage errors naming the value, JSON and text rendering.
@Suite struct GCCommandTests {
    @Test(arguments: [
        ("0", 0), ("512", 512), ("10K", 10 << 10), ("10k", 10 << 10), ("20G", 20 << 30), ("3M", 3 << 20),
        ("1T", 1 << 40), ("8388607T", 8_388_607 << 40), ("9223372036854775807", Int64.max),
        ("1.5G", 3 << 29), ("0.5K", 512), ("1.25m", 1_310_720), ("0.0001K", 0), ("1.5T", 3 << 39),
    ] as [(String, Int64)])
    func sizesParse(text: String, bytes: Int64) throws {
        #expect(try ByteCount.parse(text) == ByteCount(bytes: bytes))
    }

    @Test(arguments: ["", "1.5", "1.G", ".5G", "1..5G", "1.5.5G", "-1.5G", "20X", "-1", "G", "1 G", " 1G", "0x10", "10KB", "10Ki", "8388608T", "１２", "1e3"])
    func badSizesAreRefused(text: String) {
        #expect(throws: ValidationError.self) { try ByteCount.parse(text) }
    }

    @Test(arguments: [
        ("0", .zero), ("45s", .seconds(45)), ("30m", .seconds(1800)), ("1h", .seconds(3600)), ("2d", .seconds(172_800)),
        ("0h", .zero),
    ] as [(String, Duration)])
    func durationsParse(text: String, duration: Duration) throws {
        #expect(try TimeSpan.parse(text) == TimeSpan(duration: duration))
    }

    @Test(arguments: ["", "90", "1.5h", "h", "1w", "-1h", "1H", "1 h", "1hr", "99999999999999999d"])
    func badDurationsAreRefused(text: String) {
        #expect(throws: ValidationError.self) { try TimeSpan.parse(text) }
    }

    @Test(arguments: [["--max-size", "20X"], ["--grace", "90"], ["--max-size", "1.5"]])
    func aBadValueIsAUsageErrorNamingIt(arguments: [String]) {
        do {
            _ = try Loom.parseAsRoot(["gc"] + arguments)
            Issue.record("\(arguments) parsed")
        } catch {
            #expect(Loom.exitCode(for: error).rawValue == 64)
            #expect(Loom.message(for: error).contains("'\(arguments[1])'"))
            #expect(Loom.message(for: error).contains(arguments[0]))
        }
    }

    @Test func optionsReachTheCommand() throws {
        let command = try #require(
            try Loom.parseAsRoot(["gc", "--dry-run", "--max-size", "20G", "--grace", "30m", "--json"]) as? GCCommand)
        #expect(command.dryRun && command.json)
        #expect(command.maxSize?.bytes == 20 << 30 && command.grace?.duration == .seconds(1800))
    }

    static func samplePlan() -> GCPlan {
        var plan = GCPlan(dryRun: true)
        let key = "sha256:" + String(repeating: "ab", count: 32)
        let digest = "sha256:" + String(repeating: "cd", count: 32)
        plan.artifacts = [.init(key: key, size: 1000, lastUsedAt: Date(timeIntervalSince1970: 1_800_000_000), reason: GCPlan.Reason.overBudget)]
        plan.blobs = [.init(digest: digest, size: 600, reason: GCPlan.Reason.freed(by: key))]
        plan.ingest = [.init(path: "/s/ingest/1.part", size: 4, modifiedAt: Date(timeIntervalSince1970: 1_700_000_000), reason: GCPlan.Reason.staleIngest)]
        plan.directories = [.init(path: "/s/artifacts/" + String(repeating: "ab", count: 32), kind: .evicted, reason: GCPlan.Reason.evictedDirectory)]
        plan.leases = [.init(name: "build:x", holder: "pid 9 on h", expiresAt: Date(timeIntervalSince1970: 1_800_000_000), reason: "expired")]
        plan.skipped = [.init(subject: "budget", reason: "over")]
        return plan
    }

    @Test func jsonCarriesEveryItemWithFullDigestsAndISOTimes() throws {
        let text = JSONWriter.canonical.string(GCDocument.plan(Self.samplePlan()))
        let json = try JSONParser().parse(text)
        guard case .object(let object) = json else {
            Issue.record("not an object: \(text)")
            return
        }
        #expect(object.keys == ["dry_run", "artifacts", "blobs", "ingest", "directories", "leases", "bytes_freed", "skipped"])
        #expect(json["dry_run"] == .bool(true) && json["bytes_freed"] == .int(604))
        #expect(json["artifacts"]?.arrayValue?.first?["key"] == .string("sha256:" + String(repeating: "ab", count: 32)))
        #expect(json["artifacts"]?.arrayValue?.first?["last_used_at"] == .string("2027-01-15T08:00:00.000Z"))
        #expect(json["blobs"]?.arrayValue?.first?["digest"] == .string("sha256:" + String(repeating: "cd", count: 32)))
        #expect(json["leases"]?.arrayValue?.first?["reason"] == .string("expired"))
        #expect(json["skipped"]?.arrayValue?.first?["subject"] == .string("budget"))
    }

    @Test func textNamesEverythingInFullAndSaysADryRunChangedNothing() {
        let text = GCReportText.render(Self.samplePlan(), now: Date(timeIntervalSince1970: 1_800_003_600))
        #expect(text.contains("sha256:" + String(repeating: "ab", count: 32)))
        #expect(text.contains("sha256:" + String(repeating: "cd", count: 32)))
        #expect(text.contains("1 hour ago"))
        #expect(text.contains("would free 604 B (1 artifact, 1 blob, 1 ingest file, 1 directory, 1 dead lease)"))
        #expect(text.hasSuffix("dry run: nothing was changed"))
        #expect(GCReportText.render(GCPlan(dryRun: false)) == "nothing to collect")
    }
}
