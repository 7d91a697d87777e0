import Foundation
import LoomJSON
import LoomTesting
import Testing

/// A built artifact opens in the reference implementation (`safetensors.safe_open`) through the symlinks of
/// its model directory, when a Python with `safetensors` and `numpy` is available; otherwise the tests skip.
@Suite struct InteropTests {
    static let skipNotice: Comment = "no Python with safetensors and numpy: set LOOM_TEST_PYTHON, or create .venv (see TestPython)"

    /// Describes each file as JSON on a line starting `LOOM-JSON `: real path, metadata, and per tensor the
    /// shape and dtype from `get_slice` (nothing materialized); with `load`, also each tensor as numpy reads it.
    private static let describe = """
        import json, os, sys
        import numpy as np
        from safetensors import safe_open
        load = sys.argv[1] == "load"
        files = {}
        for path in sys.argv[2:]:
            with safe_open(path, framework="numpy") as f:
                tensors = {}
                for k in f.keys():
                    s = f.get_slice(k)
                    t = {"shape": list(s.get_shape()), "dtype": s.get_dtype()}
                    if load:
                        a = f.get_tensor(k)
                        t["loaded"] = {"shape": list(a.shape), "dtype": str(a.dtype), "finite": bool(np.isfinite(a).all())}
                    tensors[k] = t
                files[path] = {"realpath": os.path.realpath(path), "metadata": f.metadata(), "tensors": tensors}
        print("LOOM-JSON " + json.dumps(files))
        """

    /// Runs ``describe`` over `paths` and returns its JSON object, keyed by path.
    private func describe(_ paths: [String], load: Bool) throws -> JSONObject {
        let python = try #require(TestPython.withSafetensors())
        let (status, output) = try TestPython.run(python, code: Self.describe, arguments: [load ? "load" : "shapes"] + paths)
        #expect(status == 0, "\(output)")
        let line = try #require(output.split(separator: "\n").last { $0.hasPrefix("LOOM-JSON ") }, "\(output)")
        return try #require(try JSONParser().parse(String(line.dropFirst("LOOM-JSON ".count))).objectValue)
    }

    /// Builds `arguments` in a store holding llama-tiny and llama-qv, opens every `.safetensors` of the artifact
    /// and checks it against the base: same tensor names and shapes, `dtype` everywhere, the build's key in the metadata.
    private func checkBuild(_ arguments: [String], dtype: String, load: Bool) throws {
        let store = try CLIStore()
        try store.register(adapters: ["llama-qv", "llama-qv-b"])
        let built = try store.loom(arguments + ["--json"]).json()
        let path = try #require(built["path"]?.stringValue)
        let key = try #require(built["key"]?.stringValue)
        let names = try FileManager.default.subpathsOfDirectory(atPath: path).filter { $0.hasSuffix(".safetensors") }.sorted()
        #expect(!names.isEmpty)

        let files = try describe(names.map { path + "/" + $0 }, load: load)
        let baseFile = try #require(try describe([Fixtures.path("bases/llama-tiny/model.safetensors")], load: false).members.first?.value)
        let baseTensors = try #require(baseFile["tensors"]?.objectValue)
        let blobs = URL(fileURLWithPath: store.path).resolvingSymlinksInPath().path + "/blobs/sha256/"
        var seen: [String] = []
        for (filePath, file) in files.members {
            #expect(file["realpath"]?.stringValue?.hasPrefix(blobs) == true, "\(filePath) → \(file["realpath"] ?? nil)")
            #expect(file["metadata"]?["format"]?.stringValue == "pt", "\(filePath)")
            #expect(file["metadata"]?["loom.key"]?.stringValue == key, "\(filePath)")
            let tensors = try #require(file["tensors"]?.objectValue)
            for (name, tensor) in tensors.members {
                seen.append(name)
                #expect(tensor["shape"] == baseTensors[name]?["shape"], "\(name)")
                #expect(tensor["dtype"]?.stringValue == dtype, "\(name)")
                if load {
                    #expect(tensor["loaded"]?["shape"] == tensor["shape"], "\(name)")
                    #expect(tensor["loaded"]?["finite"] == .bool(true), "\(name)")
                }
            }
        }
        #expect(seen.sorted() == baseTensors.keys.sorted())
    }

    @Test(.enabled(if: TestPython.withSafetensors() != nil, skipNotice))
    func float32BuildLoadsWithNumpy() throws {
        try checkBuild(["build", "llama-qv", "--dtype", "f32"], dtype: "F32", load: true)
    }

    @Test(.enabled(if: TestPython.withSafetensors() != nil, skipNotice))
    func multiAdapterFloat32BuildLoadsWithNumpy() throws {
        try checkBuild(
            ["build", "--base", "llama-tiny", "--adapter", "llama-qv:0.7", "--adapter", "llama-qv-b:0.3", "--dtype", "f32"],
            dtype: "F32", load: true)
    }

    @Test(.enabled(if: TestPython.withSafetensors() != nil, skipNotice))
    func bfloat16BuildOpensWithSafetensors() throws {
        // numpy has no bfloat16: check names, shapes, dtypes and metadata without materializing a tensor.
        try checkBuild(["build", "llama-qv"], dtype: "BF16", load: false)
    }

}
