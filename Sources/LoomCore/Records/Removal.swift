/// What a remove deleted (rows only; the blobs stay until gc).
package struct Removal: Sendable, Equatable {
    /// Bases removed (zero or one).
    package var bases: [BaseRecord] = []
    /// Adapters removed, including those removed by a cascade from their base.
    package var adapters: [AdapterRecord] = []

    /// What a remove deleted; nothing by default.
    package init(bases: [BaseRecord] = [], adapters: [AdapterRecord] = []) {
        self.bases = bases
        self.adapters = adapters
    }
}
