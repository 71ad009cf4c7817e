//! The threads proposal in the differential oracle. One thread runs each module, so shared
//! memories behave as plain ones, except for the wait and notify operators: a
//! `memory.atomic.notify` finds no waiter (it returns 0), and a `memory.atomic.wait32/64`
//! on a shared memory returns "not-equal" (1) when the cell differs from the expected
//! value, and otherwise blocks until its timeout passes ("timed-out", 2): nobody can
//! notify it. A wait with a negative (infinite) or long timeout would hang both engines,
//! so the oracle bounds every wait's timeout before it runs a module ([`bound_waits`]):
//! wasm-smith has no knob that keeps `wait` out while keeping the other atomics in, and
//! its timeouts are whatever value the generated code leaves on the stack, which a scan
//! cannot tell in general.
//!
//! Modules import at most the memories of [`AVAILABLE_IMPORTS`], one shared and one not,
//! which the oracle makes alike on both engines ([`import_memory_type`]).

use std::borrow::Cow;
use std::convert::Infallible;

use wasm_encoder::reencode::{Error, Reencode};
use wasm_encoder::{CodeSection, Instruction};
use wasmparser::{FunctionBody, Operator, Parser, Payload};

/// Every wait's timeout (nanoseconds) is and-ed with this mask before the wait: it becomes
/// a timeout from 0 to 65.5 µs, never negative. A generated module waits at most about a
/// thousand times (wasm-smith's termination fuel), so a run waits at most some 65 ms.
pub const WAIT_TIMEOUT_MASK: i64 = 0xffff;

/// The text of the module whose imports wasm-smith may give a generated module
/// (`Config::available_imports`): `env.shared`, a shared memory, and `env.plain`, one that
/// is not, both of 1 to 16 pages (the oracle's memories are at most 1 MiB).
pub const AVAILABLE_IMPORTS: &str = r#"(module
  (import "env" "shared" (memory 1 16 shared))
  (import "env" "plain" (memory 1 16)))"#;

/// The type of the memory import `module.name` the oracle provides: `(min, max, shared)`
/// in pages, or `None` for an import it does not provide (instantiation then fails on both
/// engines, which is inconclusive).
pub fn import_memory_type(module: &str, name: &str) -> Option<(u32, u32, bool)> {
    match (module, name) {
        ("env", "shared") => Some((1, 16, true)),
        ("env", "plain") => Some((1, 16, false)),
        _ => None,
    }
}

/// Whether `op` is a wait operator.
fn is_wait(op: &Operator<'_>) -> bool {
    matches!(op, Operator::MemoryAtomicWait32 { .. } | Operator::MemoryAtomicWait64 { .. })
}

/// Whether a function body of `wasm` holds a wait operator.
///
/// # Errors
/// `wasm` does not parse.
pub fn has_wait(wasm: &[u8]) -> Result<bool, String> {
    for payload in Parser::new(0).parse_all(wasm) {
        if let Payload::CodeSectionEntry(body) = payload.map_err(|e| e.to_string())? {
            let mut ops = body.get_operators_reader().map_err(|e| e.to_string())?;
            while !ops.eof() {
                if is_wait(&ops.read().map_err(|e| e.to_string())?) {
                    return Ok(true);
                }
            }
        }
    }
    Ok(false)
}

/// `wasm` with `i64.const WAIT_TIMEOUT_MASK; i64.and` before every wait operator (the
/// timeout is the wait's last operand, so this bounds it to [`WAIT_TIMEOUT_MASK`]
/// nanoseconds and makes it non-negative), or `wasm` itself if it holds no wait. The rest
/// of the module is re-encoded unchanged.
///
/// # Errors
/// `wasm` does not parse.
pub fn bound_waits(wasm: &[u8]) -> Result<Cow<'_, [u8]>, String> {
    if !has_wait(wasm)? {
        return Ok(Cow::Borrowed(wasm));
    }
    let mut module = wasm_encoder::Module::new();
    BoundWaits.parse_core_module(&mut module, Parser::new(0), wasm).map_err(|e| e.to_string())?;
    Ok(Cow::Owned(module.finish()))
}

/// The re-encoder of [`bound_waits`].
struct BoundWaits;

impl Reencode for BoundWaits {
    type Error = Infallible;

    fn parse_function_body(
        &mut self,
        code: &mut CodeSection,
        func: FunctionBody<'_>,
    ) -> Result<(), Error<Infallible>> {
        let mut f = self.new_function_with_parsed_locals(&func)?;
        let mut ops = func.get_operators_reader()?;
        while !ops.eof() {
            let op = ops.read()?;
            if is_wait(&op) {
                f.instruction(&Instruction::I64Const(WAIT_TIMEOUT_MASK));
                f.instruction(&Instruction::I64And);
            }
            f.instruction(&self.instruction(op)?);
        }
        code.function(&f);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The operators of the first function body of `wasm`, printed.
    fn first_body(wasm: &[u8]) -> Vec<String> {
        for payload in Parser::new(0).parse_all(wasm) {
            if let Payload::CodeSectionEntry(body) = payload.unwrap() {
                let mut ops = body.get_operators_reader().unwrap();
                let mut out = Vec::new();
                while !ops.eof() {
                    out.push(format!("{:?}", ops.read().unwrap()));
                }
                return out;
            }
        }
        panic!("no function body");
    }

    #[test]
    fn waits_get_a_bounded_timeout() {
        let wasm = wat::parse_str(
            r#"(module (memory 1 1 shared)
              (func (export "w") (result i32)
                (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1))
                (memory.atomic.wait64 (i32.const 8) (i64.const 0) (i64.const -1))
                i32.add))"#,
        )
        .unwrap();
        assert!(has_wait(&wasm).unwrap());
        let bounded = bound_waits(&wasm).unwrap();
        wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all())
            .validate_all(&bounded)
            .unwrap();
        let ops = first_body(&bounded);
        let masks: Vec<_> = ops
            .windows(3)
            .filter(|w| w[2].starts_with("MemoryAtomicWait"))
            .map(|w| (w[0].as_str(), w[1].as_str()))
            .collect();
        assert_eq!(masks, vec![("I64Const { value: 65535 }", "I64And"); 2], "{ops:?}");
    }

    #[test]
    fn modules_without_waits_are_kept_as_they_are() {
        let wasm = wat::parse_str(
            r#"(module (memory 1 1 shared)
              (func (export "n") (result i32)
                (memory.atomic.notify (i32.const 0) (i32.const 1))))"#,
        )
        .unwrap();
        assert!(!has_wait(&wasm).unwrap());
        assert!(matches!(bound_waits(&wasm).unwrap(), Cow::Borrowed(b) if b == wasm.as_slice()));
    }
}
