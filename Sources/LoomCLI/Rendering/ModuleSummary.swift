import Foundation
import LoomJSON

/// An adapter's adapted modules in a few lines for `loom show`: modules with the same settings over the
/// same layers share a line (`q_proj, v_proj × 32 layers` → `r 16, s 2`), the largest group first, so the
/// exceptions (a rank pattern, a layer left out) stand out. `--full` and `--json` list every module.
enum ModuleSummary {
    /// `summary.modules` (as stored at registration) grouped, as `line → settings` members in order.
    static func grouped(_ modules: [JSONValue]) -> JSONObject {
        struct Module { var display: String; var layer: Int?; var settings: String }
        let parsed = modules.map { m -> (template: String, leaf: String, layer: Int?, settings: String) in
            let name = m["module"]?.stringValue ?? "?"
            let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            let index = parts.firstIndex { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
            let layer = index.flatMap { Int(parts[$0]) }
            let template = index.map { i in parts.enumerated().map { $0.offset == i ? "*" : $0.element }.joined(separator: ".") } ?? name
            let leaf = index.map { i in parts[(i + 1)...].joined(separator: ".") } ?? name
            return (template, leaf.isEmpty ? name : leaf, layer, settings(m))
        }
        // The last name component when it names one template only, else the path after the layer index.
        var templatesByLast: [String: Set<String>] = [:]
        for p in parsed { templatesByLast[p.leaf.split(separator: ".").last.map(String.init) ?? p.leaf, default: []].insert(p.template) }
        let items = parsed.map { p -> Module in
            let last = p.leaf.split(separator: ".").last.map(String.init) ?? p.leaf
            return Module(display: templatesByLast[last]?.count == 1 ? last : p.leaf, layer: p.layer, settings: p.settings)
        }
        let allLayers = Set(items.compactMap(\.layer))

        // (display, settings) → layers, then (settings, layers) → displays, both in order of first appearance.
        var layersOf: [[String]: [Int]] = [:], order: [[String]] = []
        for m in items {
            let key = [m.display, m.settings]
            if layersOf[key] == nil { order.append(key) }
            if let layer = m.layer { layersOf[key, default: []].append(layer) } else { layersOf[key, default: []] += [] }
        }
        struct Group { var displays: [String]; var layers: [Int]; var settings: String; var count: Int }
        var groups: [Group] = []
        for key in order {
            let layers = Array(Set(layersOf[key] ?? [])).sorted()
            if let i = groups.firstIndex(where: { $0.settings == key[1] && $0.layers == layers }) {
                groups[i].displays.append(key[0])
                groups[i].count += max(layers.count, 1)
            } else {
                groups.append(Group(displays: [key[0]], layers: layers, settings: key[1], count: max(layers.count, 1)))
            }
        }
        var out = JSONObject()
        for g in groups.enumerated().sorted(by: { ($1.element.count, $0.offset) < ($0.element.count, $1.offset) }).map(\.element) {
            out[g.displays.joined(separator: ", ") + layerText(g.layers, all: allLayers)] = .string(g.settings)
        }
        return out
    }

    /// ` × 32 layers` when the group covers every layer the adapter touches, else ` × layers 0-3, 7`.
    static func layerText(_ layers: [Int], all: Set<Int>) -> String {
        guard !layers.isEmpty else { return "" }
        if Set(layers) == all, layers.count > 1 { return " × \(layers.count) layers" }
        var ranges: [String] = []
        var start = layers[0], previous = layers[0]
        for layer in layers.dropFirst() + [Int.min] {
            if layer == previous + 1 {
                previous = layer
                continue
            }
            ranges.append(start == previous ? "\(start)" : "\(start)-\(previous)")
            start = layer
            previous = layer
        }
        return (layers.count == 1 ? " × layer " : " × layers ") + ranges.joined(separator: ", ")
    }

    /// `r 16, s 2` (LoRA: rank and scaling; DoRA, a LoRA bias and a non-linear kind said), `ia3` or
    /// `ia3 feedforward`.
    private static func settings(_ m: JSONValue) -> String {
        var parts: [String] = []
        if let kind = m["kind"]?.stringValue, kind != "linear" { parts.append(kind) }
        if let rank = m["rank"]?.intValue { parts.append("r \(rank)") }
        if let scaling = m["scaling"]?.doubleValue { parts.append("s \(number(scaling))") }
        if m["dora"] == .bool(true) { parts.append("DoRA") }
        if m["lora_bias"] != nil { parts.append("lora bias") }
        if let feedforward = m["feedforward"] { parts.append(feedforward == .bool(true) ? "ia3 feedforward" : "ia3") }
        return parts.isEmpty ? "-" : parts.joined(separator: ", ")
    }

    /// Up to 4 significant decimals, no trailing zeros: `2`, `0.5`, `1.4142`.
    private static func number(_ value: Double) -> String {
        var text = String(format: "%.4f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
