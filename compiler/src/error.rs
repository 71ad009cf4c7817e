//! The compiler's error type.

use std::path::PathBuf;

/// Why compilation failed. Every variant renders as one line that names the input position.
#[derive(Debug, thiserror::Error)]
pub enum CompileError {
    /// Malformed or invalid Wasm (binary), with the byte offset where decoding or validation
    /// failed.
    #[error("invalid module at byte offset {offset:#x} ({offset}): {message}")]
    Invalid {
        /// Byte offset in the binary module.
        offset: u64,
        /// wasmparser's reason.
        message: String,
    },
    /// A text module (`.wat`) that does not parse.
    #[error("invalid text module: {0}")]
    Text(String),
    /// Valid Wasm that uses something wasmc does not compile yet.
    #[error("unsupported at byte offset {offset:#x}: {what}")]
    Unsupported {
        /// Byte offset of the construct.
        offset: u64,
        /// What is unsupported.
        what: String,
    },
    /// Cranelift rejected a function (a compiler bug).
    #[error("code generation failed in {func}: {message}")]
    Codegen {
        /// Function name or `func[N]`.
        func: String,
        /// Cranelift's error.
        message: String,
    },
    /// The requested target is not supported.
    #[error("unsupported target `{0}`: wasmc supports x86_64-unknown-linux-gnu")]
    Target(String),
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// Linking with the system C compiler failed.
    #[error("linking failed: {0}")]
    Link(String),
}
