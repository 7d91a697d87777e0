/// A broken promise found by a conformance suite (``CatalogConformance``): which case, and what it saw.
package struct ConformanceFailure: Error, CustomStringConvertible {
    /// The case and what went wrong, in one line.
    package let description: String

    /// Throws a failure saying `message` unless `condition` holds.
    static func check(
        _ condition: Bool, _ message: @autoclosure () -> String, case name: String = #function
    ) throws(ConformanceFailure) {
        guard condition else { throw ConformanceFailure(description: "\(name): \(message())") }
    }
}
