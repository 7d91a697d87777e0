import LoomJSON

/// Renders the rows of one run: a Markdown table for people (pasteable into BENCHMARKS.md), or one JSON
/// document for machines.
struct Report {
    let machine: Machine
    let shape: ModelShape
    let model: SyntheticModel
    let runs: Int
    let rows: [Row]

    /// The header lines, the table of medians, ratios, targets and verdicts, and the rows' notes.
    var text: String {
        var lines = [
            "loom-bench: Llama-shape \(shape.label) base (\(Units.grouped(shape.parameterCount)) parameters, "
                + "\(Units.bytes(shape.baseDataBytes)) bf16 in \(model.shards.count) shard(s)), all-linear LoRA r=\(SyntheticModel.rank) "
                + "(\(Units.bytes(shape.adapterDataBytes(rank: SyntheticModel.rank))) f32); median of \(runs) runs after a warm-up",
            "machine: " + machine.summary,
            "",
            "| measure | loom median (min–max) | floor median (cp+sync median; sha256 median) | loom/floor | peak RSS (max) | target | result |",
            "|---|---|---|---|---|---|---|",
        ]
        for row in rows {
            let loom = row.loom.median.map { median in
                "\(Units.seconds(median)) (\(Units.seconds(row.loom.min ?? 0))–\(Units.seconds(row.loom.max ?? 0)))"
            } ?? "-"
            let floor = row.floor.flatMap { f in
                f.total.median.map {
                    "\(Units.seconds($0)) (\(Units.seconds(f.copySync.median ?? 0)); \(Units.seconds(f.hash.median ?? 0)))"
                }
            } ?? "-"
            let ratio = row.ratio.map { Units.decimal($0, digits: 2) } ?? "-"
            // In-process rows (catalog) measure no RSS of their own.
            let rss = row.loom.maxRSS.flatMap { $0 > 0 ? Units.bytes($0) : nil } ?? "-"
            let value: String
            if case .peakRSS = row.target {
                value = "-"  // the RSS row repeats the build's times; show them once
            } else {
                value = loom
            }
            lines.append("| \(row.title) | \(value) | \(floor) | \(ratio) | \(rss) | \(row.targetText) | \(row.verdict) |")
        }
        let notes = rows.compactMap { row in row.note.map { "- \(row.title): \($0)" } }
        if !notes.isEmpty { lines += [""] + notes }
        return lines.joined(separator: "\n")
    }

    /// `{"machine": …, "model": …, "runs": N, "rows": [{id, title, target, verdict, loom, floor, ratio, note}]}`.
    var json: JSONValue {
        .object([
            "machine": .object([
                "cores": .int(machine.cores), "memory_bytes": .int(machine.memory), "cpu": .string(machine.cpu),
                "free_disk_bytes": .int(machine.freeDisk), "loom_version": .string(machine.loomVersion), "date": .string(machine.date),
            ]),
            "model": .object([
                "shape": .string(shape.label), "hidden_size": .int(shape.hidden), "intermediate_size": .int(shape.intermediate),
                "num_hidden_layers": .int(shape.layers), "num_attention_heads": .int(shape.heads),
                "num_key_value_heads": .int(shape.kvHeads), "vocab_size": .int(shape.vocab),
                "parameters": .int(shape.parameterCount), "base_bytes": .int(shape.baseDataBytes), "shards": .int(model.shards.count),
                "adapter_bytes": .int(shape.adapterDataBytes(rank: SyntheticModel.rank)), "lora_r": .int(SyntheticModel.rank),
            ]),
            "runs": .int(runs),
            "rows": .array(rows.map(Self.json)),
        ])
    }

    private static func json(_ row: Row) -> JSONValue {
        var o = JSONObject()
        o["id"] = .string(row.id)
        o["title"] = .string(row.title)
        o["target"] = target(row.target)
        o["verdict"] = .string(row.verdict)
        o["loom"] = samples(row.loom)
        if let floor = row.floor {
            o["floor"] = .object(["copy_sync": samples(floor.copySync), "sha256": samples(floor.hash), "total": samples(floor.total)])
        }
        o["ratio"] = row.ratio.map(JSONValue.double) ?? .null
        o["note"] = row.note.map(JSONValue.string) ?? .null
        return .object(o)
    }

    private static func target(_ target: Row.Target) -> JSONValue {
        switch target {
        case .ratio(let bound): .object(["max_ratio": .double(bound)])
        case .wall(let bound): .object(["max_seconds": .double(bound)])
        case .peakRSS(let bound): .object(["max_peak_rss_bytes": .int(bound)])
        }
    }

    private static func samples(_ s: Samples) -> JSONValue {
        .object([
            "median_seconds": s.median.map(JSONValue.double) ?? .null,
            "min_seconds": s.min.map(JSONValue.double) ?? .null,
            "max_seconds": s.max.map(JSONValue.double) ?? .null,
            "seconds": .array(s.walls.map(JSONValue.double)),
            "peak_rss_bytes": .array(s.peakRSS.map { .int($0) }),
        ])
    }
}
