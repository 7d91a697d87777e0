/// A conformance case found a broken contract: which one, and where the suite checked it.
public struct ConformanceFailure: Error, CustomStringConvertible {
    /// What the store did not do.
    public let message: String
    /// The suite's line that checked it.
    public let line: UInt

    public var description: String { "conformance: \(message) (line \(line))" }

    init(message: String, line: UInt) {
        self.message = message
        self.line = line
    }

    /// A failure described by `description` (the catalog suite names the case in it).
    init(description: String, line: UInt = #line) {
        self.init(message: description, line: line)
    }

    /// Throws a failure naming the case and saying `message` unless `condition` holds.
    static func check(
        _ condition: Bool, _ message: @autoclosure () -> String, case name: String = #function, line: UInt = #line
    ) throws(ConformanceFailure) {
        guard condition else { throw ConformanceFailure(message: "\(name): \(message())", line: line) }
    }
}

/// Throws ``ConformanceFailure`` with `message` unless `condition` holds.
func expect(_ condition: Bool, _ message: @autoclosure () -> String, line: UInt = #line) throws {
    guard condition else { throw ConformanceFailure(message: message(), line: line) }
}

/// The error `body` throws, cast to `E`; a ``ConformanceFailure`` when it throws nothing or another type.
func expectError<E: Error, T>(_ type: E.Type, line: UInt = #line, _ body: () throws -> T) throws -> E {
    do {
        _ = try body()
    } catch let error as E {
        return error
    } catch {
        throw ConformanceFailure(message: "expected \(E.self), got \(error)", line: line)
    }
    throw ConformanceFailure(message: "expected \(E.self), but nothing was thrown", line: line)
}

/// Deterministic pseudo-random bytes (xorshift), so failures reproduce.
public enum ConformanceBytes {
    /// `count` bytes from `seed`.
    public static func pseudoRandom(_ count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> [UInt8] {
        var state = seed
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 8)
        while bytes.count < count {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            withUnsafeBytes(of: state) { bytes.append(contentsOf: $0.prefix(count - bytes.count)) }
        }
        return bytes
    }
}
