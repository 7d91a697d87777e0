import LoomTesting
import Safetensors
import Testing

/// Files loom writes open in the reference implementation (`safetensors.safe_open`), when a Python
/// with `safetensors` and `numpy` is available; otherwise the test says so and skips.
@Suite struct PythonInteropTests {
    static let skipNotice: Comment = "no Python with safetensors and numpy: set LOOM_TEST_PYTHON, or create .venv (see TestPython)"

    @Test(.enabled(if: TestPython.withSafetensors() != nil, skipNotice))
    func pythonReadsWhatLoomWrites() throws {
        let python = try #require(TestPython.withSafetensors())
        let directory = try TemporaryDirectory()
        let path = directory.file("interop.safetensors")
        let floats: [Float] = [1.5, -2, 0.25, 1e-3, 3, 4]
        let halves: [Float16] = [0.5, -1, 65504]
        let longs: [Int64] = [-1, 1 << 40]
        try SafetensorsLayout.write(
            to: path,
            tensors: [
                ("w.f32", .f32, [2, 3], floats.flatMap { le($0.bitPattern) }),
                ("h.f16", .f16, [3], halves.flatMap { le($0.bitPattern) }),
                ("i.i64", .i64, [2, 1], longs.flatMap { le(UInt64(bitPattern: $0)) }),
                ("empty", .f32, [0], []),
            ],
            metadata: [("format", "pt"), ("note", "é")]
        )
        let script = """
            import sys
            from safetensors import safe_open
            with safe_open(sys.argv[1], "numpy") as f:
                print(sorted(f.keys()))
                print(sorted(f.metadata().items()))
                for k in ["w.f32", "h.f16", "i.i64", "empty"]:
                    t = f.get_tensor(k)
                    print(k, t.dtype, list(t.shape), t.flatten().tolist())
            """
        let (status, output) = try TestPython.run(python, code: script, arguments: [path])
        #expect(status == 0, "\(output)")
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines == [
            "['empty', 'h.f16', 'i.i64', 'w.f32']",
            "[('format', 'pt'), ('note', 'é')]",
            "w.f32 float32 [2, 3] [1.5, -2.0, 0.25, 0.0010000000474974513, 3.0, 4.0]",
            "h.f16 float16 [3] [0.5, -1.0, 65504.0]",
            "i.i64 int64 [2, 1] [-1, 1099511627776]",
            "empty float32 [0] []",
        ])
    }

    @Test(.enabled(if: TestPython.withSafetensors() != nil, skipNotice))
    func loomReadsWhatPythonWrites() throws {
        let python = try #require(TestPython.withSafetensors())
        let directory = try TemporaryDirectory()
        let path = directory.file("python.safetensors")
        let script = """
            import sys, numpy as np
            from safetensors.numpy import save_file
            save_file({"b": np.arange(6, dtype=np.float32).reshape(2, 3), "a": np.array([7], dtype=np.int16),
                       "s": np.array(2.5, dtype=np.float64)}, sys.argv[1], metadata={"k": "v"})
            """
        let (status, output) = try TestPython.run(python, code: script, arguments: [path])
        try #require(status == 0, "\(output)")
        let file = try SafetensorsFile(path: path)
        #expect(file.header.metadata?.map(\.value) == ["v"])
        #expect(file.header.tensor(named: "b")?.shape == [2, 3])
        #expect(file.header.tensor(named: "a")?.dtype == .i16)
        #expect(file.header.tensor(named: "s")?.shape == [])
        #expect(file.bytes(named: "a").map(Array.init) == [7, 0])
        let layout = try SafetensorsLayout(tensors: file.header.tensors.map { ($0.name, $0.dtype, $0.shape) }, metadata: file.header.metadata)
        #expect(layout.headerBytes == Array(file.fileBytes.prefix(file.header.headerByteCount)))
    }
}

private func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    withUnsafeBytes(of: value.littleEndian, Array.init)
}
