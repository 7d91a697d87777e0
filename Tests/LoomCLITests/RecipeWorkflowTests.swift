import Foundation
import LoomJSON
import LoomTesting
import Testing

/// Issue 12 item 4: the README's recipe workflow through the binary — `recipe add` without `--base`, `pin`
/// building what it names, `rm adapter` refusing while recipes use it, `--replace` keeping what is not
/// repeated, and `ls` showing recipes.
@Suite struct RecipeWorkflowTests {
    @Test func theReadmeWorkflowWorks() throws {
        let store = try CLIStore()
        try store.register()
        try store.ok("recipe", "add", "sql-prod", "--adapter", "llama-qv", "--adapter", "llama-qv-b:0.25", "--dtype", "f16")
        let pinned = try store.ok("pin", "sql-prod")
        #expect(pinned.stderr.contains("loom: note: building sql-prod first"), "\(pinned)")
        #expect(pinned.stdout.hasPrefix("pinned sha256:"), "\(pinned)")
        let again = try store.ok("pin", "sql-prod")
        #expect(!again.stderr.contains("building"), "\(again)")

        // ls shows the recipe; ls recipes and -q list it; --json gains "recipes" beside the other kinds.
        #expect(try store.ok("ls").stdout.contains("sql-prod"))
        let table = try store.ok("ls", "recipes").stdout
        #expect(table.hasPrefix("RECIPE") && table.contains("llama-tiny@1 + llama-qv:1.0 + llama-qv-b:0.25 (f16)"), "\(table)")
        #expect(try store.ok("ls", "recipes", "-q").stdout == "sql-prod\n")
        let listing = try store.json("ls")
        #expect(listing["recipes"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["sql-prod"])
        #expect(listing["bases"]?.arrayValue?.count == 1 && listing["adapters"]?.arrayValue?.count == 2)
        #expect(try store.json("ls", "recipes").arrayValue?.count == 1)

        // rm adapter refuses while the recipe uses it (exit 4, naming it), unless --force.
        let refused = try store.loom("rm", "adapter", "llama-qv-b")
        #expect(refused.status == 4 && refused.stderrLines.count == 1 && refused.stderr.contains("\"sql-prod\""), "\(refused)")
        #expect(refused.stderr.contains("--force"), "\(refused)")

        // --replace keeps the dtype and base it is not given, and says what changed.
        let replaced = try store.ok("recipe", "add", "sql-prod", "--adapter", "llama-qv:0.5", "--replace")
        #expect(replaced.stdout.contains("llama-tiny@1 + llama-qv:0.5 (f16)"), "\(replaced)")
        #expect(replaced.stderr.contains("changed adapters llama-qv:1.0 + llama-qv-b:0.25 → llama-qv:0.5"), "\(replaced)")
        let dtype = try store.json("recipe", "add", "sql-prod", "--dtype", "bf16", "--replace")
        #expect(dtype["changed"] == ["dtype f16 → bf16"], "\(dtype)")
    }

    @Test func aPinnedRecipeStaysReachableAfterItsAdapterIsForciblyRemoved() throws {
        let store = try CLIStore()
        try store.register()
        try store.ok("recipe", "add", "sql-prod", "--adapter", "llama-qv")
        let key = try #require(try store.json("pin", "sql-prod")["key"]?.stringValue)
        try store.ok("rm", "adapter", "llama-qv", "--force")
        #expect(try store.json("audit", "sql-prod")["key"]?.stringValue == key)
        #expect(try store.ok("unpin", "sql-prod").stdout == "unpinned \(key)\n")
        #expect(try store.ok("pin", "sql-prod").stdout == "pinned \(key)\n")
        let build = try store.loom("build", "sql-prod")
        #expect(build.status == 2 && build.stderr.contains("llama-qv"), "\(build)")
    }
}
