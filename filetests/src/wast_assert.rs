//! The module assertions of the spec runner, with the stages of the spec's reference
//! interpreter (`interpreter/script/run.ml`): text parsing, binary decoding
//! ([`crate::decode`]), validation (wasmc's own, `wasmc::module::parse`).
//!
//! - `assert_malformed`: the module (binary, or quoted text) fails to parse or to decode;
//! - `assert_invalid`: the module decodes but fails validation. A `(module ...)` whose text
//!   the script cannot encode is an error of the script or of the text parser, not a pass;
//! - `assert_malformed_custom` / `assert_invalid_custom`: the same stages for the custom
//!   sections wasmc reads (the `name` section, spec appendix 7.4).
//!
//! Each function returns `Ok(())` when the module fails in the stage the assertion names,
//! else what happened instead (completing "expected ..., ").

use wasmc::CompileError;
use wast::QuoteWat;

use crate::decode;

/// How far a module got.
enum Stage {
    /// The text does not parse or encode.
    Text(String),
    /// The binary does not decode (by the runner's decoder); `wasmc_accepts` when wasmc's
    /// own parser took it nonetheless (a wasmc bug: malformed input must be rejected).
    Decode {
        /// The runner's decoder's error.
        error: String,
        /// Whether `wasmc::module::parse` accepted the binary.
        wasmc_accepts: bool,
    },
    /// It decodes; validation fails.
    Validate(String),
    /// It validates, but wasmc does not compile something in it.
    Unsupported(String),
    /// It validates.
    Valid,
}

fn stage(module: &mut QuoteWat<'_>) -> (Stage, Vec<u8>) {
    let bytes = match module.encode() {
        Ok(b) => b,
        Err(e) => return (Stage::Text(e.to_string()), Vec::new()),
    };
    if let Err(error) = decode::decode(&bytes) {
        // wasmc sees the binary too: what the spec's decoder rejects, wasmc must reject (and
        // without panicking).
        let wasmc_accepts = wasmc::module::parse(&bytes).is_ok();
        return (Stage::Decode { error, wasmc_accepts }, bytes);
    }
    let s = match wasmc::module::parse(&bytes) {
        Ok(_) => Stage::Valid,
        Err(CompileError::Unsupported { what, .. }) => Stage::Unsupported(what),
        Err(e) => Stage::Validate(e.to_string()),
    };
    (s, bytes)
}

fn is_quote(module: &QuoteWat<'_>) -> bool {
    matches!(module, QuoteWat::QuoteModule(..) | QuoteWat::QuoteComponent(..))
}

/// `assert_invalid`: decodes, then fails validation.
///
/// # Errors
/// What happened instead.
pub fn invalid(module: &mut QuoteWat<'_>) -> Result<(), String> {
    match stage(module).0 {
        Stage::Validate(_) => Ok(()),
        Stage::Text(e) => Err(format!("but the runner cannot encode its text: {e}")),
        Stage::Decode { error, .. } => Err(format!("but it is malformed: {error}")),
        Stage::Unsupported(e) => Err(format!("but it validated (unsupported by wasmc: {e})")),
        Stage::Valid => Err("but it validated".into()),
    }
}

/// `assert_malformed`: quoted text that does not parse, or a binary that does not decode.
///
/// # Errors
/// What happened instead.
pub fn malformed(module: &mut QuoteWat<'_>) -> Result<(), String> {
    let quote = is_quote(module);
    match stage(module).0 {
        Stage::Text(_) if quote => Ok(()),
        Stage::Decode { wasmc_accepts: false, .. } => Ok(()),
        Stage::Decode { error, wasmc_accepts: true } => {
            Err(format!("and the runner's decoder rejects it ({error}), but wasmc accepts it"))
        }
        Stage::Text(e) => Err(format!("but the runner cannot encode its (unquoted) text: {e}")),
        Stage::Validate(e) => Err(format!("but it decodes (and fails validation: {e})")),
        Stage::Unsupported(_) | Stage::Valid => Err("but it decodes and validates".into()),
    }
}

/// `assert_malformed_custom`: the module decodes, but a custom section wasmc reads does
/// not; or the text of a custom annotation does not parse.
///
/// # Errors
/// What happened instead.
pub fn malformed_custom(module: &mut QuoteWat<'_>) -> Result<(), String> {
    custom(module, true)
}

/// `assert_invalid_custom`: the module and its custom sections decode, but a custom
/// section wasmc reads is invalid (it refers to something the module does not have).
///
/// # Errors
/// What happened instead.
pub fn invalid_custom(module: &mut QuoteWat<'_>) -> Result<(), String> {
    custom(module, false)
}

/// The custom-section assertions: the module itself decodes and wasmc takes it (a custom
/// section's errors must not make wasmc reject a module), and a custom section is
/// malformed (`want_malformed`) or decodes but is invalid.
fn custom(module: &mut QuoteWat<'_>, want_malformed: bool) -> Result<(), String> {
    use decode::CustomError::{Invalid, Malformed};
    let quote = is_quote(module);
    let (s, bytes) = stage(module);
    match s {
        Stage::Text(_) if quote && want_malformed => Ok(()),
        Stage::Text(e) => Err(format!("but the runner cannot encode its text: {e}")),
        Stage::Decode { error, .. } => Err(format!("but the module itself is malformed: {error}")),
        Stage::Validate(e) => Err(format!("but wasmc rejects the module: {e}")),
        Stage::Unsupported(_) | Stage::Valid => {
            match (decode::custom_sections(&bytes), want_malformed) {
                (Err(Malformed(_)), true) | (Err(Invalid(_)), false) => Ok(()),
                (Err(Invalid(e)), true) => {
                    Err(format!("but its custom sections decode (one is invalid: {e})"))
                }
                (Err(Malformed(e)), false) => {
                    Err(format!("but a custom section is malformed: {e}"))
                }
                (Ok(()), true) => Err("but its custom sections decode".into()),
                (Ok(()), false) => Err("but its custom sections are valid".into()),
            }
        }
    }
}
