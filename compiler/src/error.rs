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
    /// Wasm that is valid only with a proposal wasmc does not implement (threads, stack
    /// switching, custom page sizes, wide arithmetic): found by validating again with it.
    #[error(
        "uses the {proposal} proposal, which wasmc does not support (byte offset {offset:#x}: \
         {message})"
    )]
    Proposal {
        /// Byte offset where validation without the proposal failed.
        offset: u64,
        /// The proposal's name.
        proposal: &'static str,
        /// wasmparser's reason.
        message: String,
    },
    /// Input that is neither a binary module (it lacks the magic number `\0asm`) nor text.
    #[error(
        "not a WebAssembly module: bad magic number at byte offset 0 (found {found}, \
         expected 00 61 73 6d), and not a text module either"
    )]
    NotWasm {
        /// The first (up to four) bytes in hex, or "an empty file".
        found: String,
    },
    /// A text module (`.wat`) that does not parse: `LINE:COL: MESSAGE: `SNIPPET`` (see
    /// [`crate::input`]).
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
    /// An output file that must not be written: it is the input file (the same inode,
    /// possibly through a symbolic link or a hard link), or it exists and is not a regular
    /// file (a device, a directory, a FIFO), which wasmc never replaces.
    #[error("{path}: refusing to write the output: {reason}")]
    Output {
        /// The output path as given.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// A cache directory that others can write (or own): refused, since what is in it is
    /// executed ([`crate::trust`]). The message names it.
    #[error("{0}")]
    UntrustedCache(String),
    /// Linking with the system C compiler failed.
    #[error("linking failed: {0}")]
    Link(String),
}
