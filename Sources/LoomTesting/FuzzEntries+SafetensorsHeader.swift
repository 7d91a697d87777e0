import Safetensors

extension FuzzEntries {
    /// Feeds `data`, as the start of a safetensors file, to ``SafetensorsHeader/parse(_:fileSize:)``
    /// under several file sizes; every header it accepts must be well formed and must survive a
    /// ``SafetensorsLayout`` round trip.
    ///
    /// The file sizes are: the input length; the size the header's offsets ask for (learned from the
    /// `truncated`/`trailingBytes` refusal, so header-only seeds reach the accepting path); and
    /// smaller, larger and near-`Int.max` sizes derived from the input's last byte.
    ///
    /// Promises checked on acceptance: tensors sorted by offset, contiguous from 0 to the end of the
    /// data section, shape × dtype size equal to each span, names findable; re-laying out the tensors
    /// and metadata succeeds, and re-parsing that layout gives the same tensors, metadata and data size.
    ///
    /// - Returns: the counts and any broken promise; never throws, and traps only on a bug.
    @discardableResult
    public static func safetensorsHeader(_ data: UnsafeRawBufferPointer) -> FuzzOutcome {
        var outcome = FuzzOutcome()
        var claimed: Int?
        do {
            let header = try SafetensorsHeader.parse(data, fileSize: data.count)
            outcome.accepted += 1
            checkHeader(header, fileSize: data.count, into: &outcome)
        } catch {
            outcome.refused += 1
            claimed = claimedFileSize(after: error, fileSize: data.count)
        }
        let delta = Int(data.last ?? 0)
        var sizes = [data.count - delta, data.count + (delta << (delta % 48)), Int.max - delta]
        if let claimed { sizes += [claimed, claimed &+ delta &+ 1] }
        for fileSize in sizes {
            do {
                let header = try SafetensorsHeader.parse(data, fileSize: fileSize)
                outcome.accepted += 1
                checkHeader(header, fileSize: fileSize, into: &outcome)
            } catch {
                outcome.refused += 1
            }
        }
        return outcome
    }

    /// The file size whose data section the header's offsets fill exactly, when the refusal at
    /// `fileSize` says how far off it was; nil for any other refusal.
    static func claimedFileSize(after error: SafetensorsError, fileSize: Int) -> Int? {
        switch error {
        case .truncated(_, let end, let dataSize):
            // The header parsed and tiled 0..<end; only the data section was short.
            let (size, overflow) = (fileSize - dataSize).addingReportingOverflow(end)
            return overflow ? nil : size
        case .trailingBytes(let count, _):
            return fileSize - count
        default:
            return nil
        }
    }

    /// Records every promise an accepted header breaks, then checks its layout round trip.
    static func checkHeader(_ header: SafetensorsHeader, fileSize: Int, into outcome: inout FuzzOutcome) {
        outcome.expect(header.fileSize == fileSize, "header reports file size \(header.fileSize), parsed at \(fileSize)")
        outcome.expect(
            header.headerByteCount >= 10 && header.dataStart == header.headerByteCount && header.dataSize >= 0,
            "header byte count \(header.headerByteCount) and data size \(header.dataSize) are inconsistent")
        var cursor = 0
        for tensor in header.tensors {
            let (bytes, overflow) = tensor.elementCount.multipliedReportingOverflow(by: tensor.dtype.byteSize)
            let spans = tensor.dataOffsets.lowerBound == cursor && !overflow && tensor.byteCount == bytes
            outcome.expect(spans, "tensor \(tensor.name) spans \(tensor.dataOffsets) after \(cursor)")
            outcome.expect(tensor.shape.allSatisfy { $0 >= 0 }, "tensor \(tensor.name) has shape \(tensor.shape)")
            outcome.expect(header.tensor(named: tensor.name) == tensor, "tensor \(tensor.name) is not found by name")
            outcome.expect(tensor.name != "__metadata__", "__metadata__ was taken for a tensor")
            cursor = tensor.dataOffsets.upperBound
        }
        outcome.expect(cursor == header.dataSize, "tensors end at \(cursor), the data section at \(header.dataSize)")
        guard outcome.violations.isEmpty else { return }
        checkRoundTrip(header, into: &outcome)
    }

    /// Re-lays out an accepted header's tensors (in offset order) and metadata, and re-parses it.
    static func checkRoundTrip(_ header: SafetensorsHeader, into outcome: inout FuzzOutcome) {
        let layout: SafetensorsLayout
        do {
            layout = try SafetensorsLayout(tensors: header.tensors.map { ($0.name, $0.dtype, $0.shape) }, metadata: header.metadata)
        } catch {
            outcome.violations.append("an accepted header cannot be laid out again: \(error)")
            return
        }
        outcome.expect(layout.headerBytes.count % 8 == 0, "layout header is \(layout.headerBytes.count) bytes, not a multiple of 8")
        outcome.expect(layout.fileSize - layout.headerBytes.count == header.dataSize, "layout data size differs")
        let reparsed = layout.headerBytes.withUnsafeBytes { bytes in
            Result { () throws(SafetensorsError) in try SafetensorsHeader.parse(bytes, fileSize: layout.fileSize) }
        }
        switch reparsed {
        case .failure(let error):
            outcome.violations.append("a re-laid-out header does not parse: \(error)")
        case .success(let again):
            outcome.expect(again.tensors == header.tensors, "re-parsed tensors differ from the accepted ones")
            outcome.expect(again.dataSize == header.dataSize, "re-parsed data size \(again.dataSize) ≠ \(header.dataSize)")
            outcome.expect(
                again.metadata?.map(\.key) == header.metadata?.map(\.key)
                    && again.metadata?.map(\.value) == header.metadata?.map(\.value),
                "re-parsed metadata differs")
            outcome.expect(again.headerByteCount == layout.headerBytes.count, "re-parsed header length differs from the layout's")
        }
    }
}
