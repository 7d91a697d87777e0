import Safetensors

/// The dtypes a merged model can be written in, as users name them (`--dtype`).
public enum ModelDType: String, Sendable, CaseIterable {
    case f32
    case f16
    case bf16

    /// The safetensors dtype.
    var storage: DType {
        switch self {
        case .f32: return .f32
        case .f16: return .f16
        case .bf16: return .bf16
        }
    }

    /// The `torch_dtype` / `dtype` string transformers writes in config.json.
    var torchName: String {
        switch self {
        case .f32: return "float32"
        case .f16: return "float16"
        case .bf16: return "bfloat16"
        }
    }

    /// The user-facing name of a stored dtype, or nil for dtypes a model cannot be written in.
    init?(storage: DType) {
        switch storage {
        case .f32: self = .f32
        case .f16: self = .f16
        case .bf16: self = .bf16
        default: return nil
        }
    }

    /// Parses `f32`, `f16`, `bf16` (also `float32`, `float16`, `bfloat16`, any case).
    public init?(parsing text: String) {
        switch text.lowercased() {
        case "f32", "float32", "fp32": self = .f32
        case "f16", "float16", "fp16", "half": self = .f16
        case "bf16", "bfloat16": self = .bf16
        default: return nil
        }
    }
}
