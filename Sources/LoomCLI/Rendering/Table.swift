import Foundation
/// A plain-text table: a header row, left-aligned columns separated by two spaces, fitted to a width.
///
/// To fit, the widest shrinkable column loses a character at a time until the table fits or every
/// column is at its minimum (the header's width, at least 8, or what ``minimum(_:_:)`` set); columns
/// marked with ``prefer(_:)`` (names) are cut only once the others are at their minimum. A cut cell
/// ends in `…`. A column whose minimum is its full width (``keep(_:)``) is never cut. Without a width
/// nothing is cut. Value type; not tied to a terminal.
struct Table {
    var headers: [String]
    var rows: [[String]] = []
    /// Whether the header row is printed (`loom log` has none).
    var showsHeader = true
    private var minimums: [Int: Int] = [:]
    private var preferred: Set<Int> = []

    init(_ headers: String...) {
        self.headers = headers
    }

    mutating func add(_ cells: String...) { rows.append(cells) }

    /// Columns never cut: sizes, dtypes, short digests.
    mutating func keep(_ columns: String...) {
        for column in columns { if let i = headers.firstIndex(of: column) { minimums[i] = .max } }
    }

    /// Columns cut last: what a reader scans for (names).
    mutating func prefer(_ columns: String...) {
        for column in columns { if let i = headers.firstIndex(of: column) { preferred.insert(i) } }
    }

    /// The width below which `column` is not cut (a full key keeps the 19 characters of its short form).
    mutating func minimum(_ column: String, _ width: Int) {
        if let i = headers.firstIndex(of: column) { minimums[i] = width }
    }

    /// The table's lines joined by newlines, each at most `width` characters when the minimums allow.
    func render(width: Int? = nil) -> String {
        let shown = (showsHeader ? [headers] : []) + rows
        var widths = headers.map { showsHeader ? $0.count : 0 }
        for row in shown {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        if let width { widths = fitted(widths, to: width) }
        func line(_ cells: [String]) -> String {
            var text = cells.enumerated().map { i, c in
                let cell = Format.clip(c, to: i < widths.count ? widths[i] : nil)
                return i == cells.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
            while text.hasSuffix(" ") { text.removeLast() }  // an empty last cell leaves no trailing blanks
            return text
        }
        return shown.map(line).joined(separator: "\n")
    }

    private func fitted(_ natural: [Int], to width: Int) -> [Int] {
        var widths = natural
        let floor = widths.indices.map { i in min(natural[i], minimums[i] ?? max(headers[i].count, 8)) }
        var total = widths.reduce(0, +) + 2 * max(widths.count - 1, 0)
        for round in [false, true] {
            while total > width {
                let candidates = widths.indices.filter { widths[$0] > floor[$0] && (round || !preferred.contains($0)) }
                guard let widest = candidates.max(by: { widths[$0] < widths[$1] }) else { break }
                widths[widest] -= 1
                total -= 1
            }
        }
        return widths
    }
}
