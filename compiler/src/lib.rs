//! `wasmc`: an ahead-of-time compiler from WebAssembly to native code, built on Cranelift.
//!
//! The pipeline (DESIGN.md "Pipeline"): [`module`] parses and validates, [`translate`] lowers
//! each function to CLIF, [`emit`] compiles with Cranelift and writes an ELF object with the
//! metadata the runtime needs, and [`link`] links that object with the runtime into an
//! executable.

#![deny(missing_docs)]

pub mod abi;
pub mod emit;
pub mod error;
pub mod link;
pub mod may_gc;
pub mod module;
pub mod safepoints;
pub mod translate;

pub use emit::{Compiled, Config, OptLevel, Stage, clif, compile};
pub use error::CompileError;

use std::borrow::Cow;

/// Turns the bytes of an input file into a binary module: binary input is returned as is,
/// text (`.wat`) is parsed.
///
/// # Errors
/// [`CompileError::Text`] with the line and column of a text syntax error, flattened to one
/// line.
pub fn wasm_bytes(input: &[u8]) -> Result<Cow<'_, [u8]>, CompileError> {
    if input.starts_with(b"\0asm") {
        return Ok(Cow::Borrowed(input));
    }
    // Binary-looking input that is not a module is reported as malformed at offset 0.
    if !input.is_empty() && std::str::from_utf8(input).is_err() {
        return Err(CompileError::Invalid {
            offset: 0,
            message: "magic header not detected: bad magic number".into(),
        });
    }
    wat::parse_bytes(input).map_err(|e| {
        let text = e.to_string();
        let one_line: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        CompileError::Text(one_line.join(" "))
    })
}
