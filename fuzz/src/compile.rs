//! The `compile` oracle: the compiler accepts any bytes gracefully.
//!
//! For any input, `wasmc::compile` (with the spill oracle on, as in the filetests) must
//! return, not panic; a rejection must be one line (malformed or invalid input names the
//! byte offset); and a module that wasmparser validates must not fail inside code
//! generation (`CompileError::Codegen`: Cranelift's verifier or the spill oracle), which
//! would be a compiler bug. `Unsupported` is an accepted answer for valid constructs wasmc
//! does not compile (legacy exceptions, SIMD).

use std::panic::{AssertUnwindSafe, catch_unwind};

use wasmc::{CompileError, Config};

/// What the compiler did with an input.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// It compiled.
    Compiled,
    /// It was rejected with this one-line message.
    Rejected(String),
}

/// Compiles `bytes` and checks the oracle's rules.
///
/// # Errors
/// A description of the broken rule (a panic, an internal error, a multi-line message).
pub fn check(bytes: &[u8]) -> Result<Outcome, String> {
    let config = Config { verify_spills: true, ..Config::default() };
    let result = catch_unwind(AssertUnwindSafe(|| {
        let wasm = wasmc::wasm_bytes(bytes)?.into_owned();
        wasmc::compile(&wasm, &config).map(|_| ())
    }));
    match result {
        Err(panic) => {
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Err(format!("the compiler panicked: {msg}"))
        }
        Ok(Ok(())) => Ok(Outcome::Compiled),
        Ok(Err(e @ CompileError::Codegen { .. })) => Err(format!("internal error: {e}")),
        Ok(Err(e)) => {
            let text = e.to_string();
            if text.contains('\n') {
                return Err(format!("a multi-line error: {text}"));
            }
            if matches!(e, CompileError::Invalid { .. }) && !text.contains("byte offset") {
                return Err(format!("an invalid-module error without its offset: {text}"));
            }
            Ok(Outcome::Rejected(text))
        }
    }
}

/// The fuzz target's body: `data` as it is, and the valid module wasm-smith makes of it.
///
/// # Errors
/// As [`check`].
pub fn run(data: &[u8]) -> Result<(), String> {
    check(data)?;
    if let Some(m) = crate::smith::module(data) {
        check(&m).map_err(|e| format!("wasm-smith module: {e}"))?;
    }
    Ok(())
}
