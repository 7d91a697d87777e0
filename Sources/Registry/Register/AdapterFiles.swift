import BlobStore

/// The files besides its config and weights that an adapter directory ships and that loom registers
/// with it: the tokenizer and chat template an adapter trained with added tokens or a new template
/// needs. Each becomes part of the adapter's manifest (so of its digest), and replaces the base's file
/// of the same name in a built artifact (``Registry/shippedFiles(_:baseFiles:)``).
///
/// The list is what `transformers`' `AutoTokenizer.save_pretrained` writes for the common tokenizers
/// (fast `tokenizer.json`; the slow SentencePiece, BPE and WordPiece vocabularies) plus the chat
/// template files; anything else in the directory (README.md, training args, checkpoints) stays out.
/// Only top-level files count, compared as bytes. A value type.
package enum AdapterFiles {
    /// File names registered with an adapter when present, in the order shown.
    static let shipped = [
        "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json",
        "chat_template.jinja", "chat_template.json",
        "tokenizer.model", "spiece.model", "sentencepiece.bpe.model", "vocab.json", "merges.txt", "vocab.txt",
    ]

    /// The subset of ``shipped`` that must parse as a JSON object.
    static let json: Set<String> = [
        "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json", "chat_template.json",
        "vocab.json",
    ]

    /// The two files every adapter has, which are never copied into an artifact.
    package static let own: Set<String> = ["adapter_config.json", "adapter_model.safetensors"]

    /// The shipped files present in `dir`, in ``shipped`` order.
    static func present(in dir: ModelDirectory) -> [ModelDirectory.File] {
        shipped.compactMap { dir.file($0) }
    }
}

extension Registry {
    /// Reads and checks the files `dir` ships (``AdapterFiles``): each whole (at most 64 MiB), the JSON
    /// ones parsed as objects. Returns their bytes by name.
    ///
    /// - Throws: ``RegistryError`` `.invalid` naming the file that is not valid JSON or too large.
    func readShippedFiles(_ dir: ModelDirectory, shown directory: String) throws(RegistryError) -> [(name: String, bytes: [UInt8])] {
        var read: [(name: String, bytes: [UInt8])] = []
        for file in AdapterFiles.present(in: dir) {
            let shown = "\(directory)/\(file.relativePath)"
            let bytes = try readSmallFile(file.resolvedPath, shown: shown)
            if AdapterFiles.json.contains(file.relativePath) { _ = try parseConfig(bytes, shown: shown) }
            read.append((file.relativePath, bytes))
        }
        return read
    }
}
