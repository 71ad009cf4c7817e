//! The `spectest` host printing functions for executables: programs that print through
//! the spec interpreter's host module (MoonBit's `wasm-gc` target imports
//! `spectest.print_char`) run as ordinary programs.
//!
//! - `print_char (i32)`: one UTF-16 code unit; a high surrogate followed by a low surrogate
//!   forms one code point; output is UTF-8 (an unpaired surrogate becomes U+FFFD).
//! - `print`, `print_i32`, `print_i64`, `print_f32`, `print_f64`, `print_i32_f32`,
//!   `print_f64_f64`: each argument on a line as `VALUE : TYPE`, as the reference
//!   interpreter prints them.
//!
//! Output is buffered and written to standard output at each newline, when the buffer
//! fills, and by [`flush`] (which the entry point calls at exit, also after a trap).

use std::io::Write;
use std::sync::{Arc, Mutex};

use crate::instance::HostFunc;
use crate::meta::{FuncType, ValType};

/// Pending output and a high surrogate waiting for its partner.
struct Output {
    buf: Vec<u8>,
    high: Option<u16>,
}

static OUTPUT: Mutex<Output> = Mutex::new(Output { buf: Vec::new(), high: None });

/// Bytes buffered before a write even without a newline.
const BUFFER_LIMIT: usize = 8192;

fn with_output(f: impl FnOnce(&mut Output)) {
    static HOOKED: std::sync::Once = std::sync::Once::new();
    HOOKED.call_once(|| crate::exit::at_exit(flush));
    let mut out = OUTPUT.lock().unwrap_or_else(|e| e.into_inner());
    f(&mut out);
    if out.buf.len() >= BUFFER_LIMIT || out.buf.last() == Some(&b'\n') {
        write_out(&mut out.buf);
    }
}

fn write_out(buf: &mut Vec<u8>) {
    let mut stdout = std::io::stdout().lock();
    // Output errors (a closed pipe) are not the program's concern, as with WASI's fd 1.
    let _ = stdout.write_all(buf).and_then(|()| stdout.flush());
    buf.clear();
}

fn push_char(out: &mut Output, c: char) {
    let mut tmp = [0u8; 4];
    out.buf.extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
}

/// Decodes UTF-16 code unit `unit` into `out` (UTF-8), pairing surrogates.
fn push_unit(out: &mut Output, unit: u16) {
    if let Some(high) = out.high.take() {
        if (0xDC00..0xE000).contains(&unit) {
            let cp = 0x10000 + ((u32::from(high) - 0xD800) << 10) + (u32::from(unit) - 0xDC00);
            push_char(out, char::from_u32(cp).unwrap_or(char::REPLACEMENT_CHARACTER));
            return;
        }
        push_char(out, char::REPLACEMENT_CHARACTER);
    }
    if (0xD800..0xDC00).contains(&unit) {
        out.high = Some(unit);
    } else {
        push_char(out, char::from_u32(u32::from(unit)).unwrap_or(char::REPLACEMENT_CHARACTER));
    }
}

/// Writes whatever output is pending (an unpaired high surrogate becomes U+FFFD).
pub fn flush() {
    let mut out = OUTPUT.lock().unwrap_or_else(|e| e.into_inner());
    if out.high.take().is_some() {
        push_char(&mut out, char::REPLACEMENT_CHARACTER);
    }
    write_out(&mut out.buf);
}

fn format_value(bits: u64, ty: ValType) -> String {
    match ty {
        ValType::I32 => format!("{} : i32", bits as u32 as i32),
        ValType::I64 => format!("{} : i64", bits as i64),
        ValType::F32 => format!("{} : f32", f32::from_bits(bits as u32)),
        ValType::F64 => format!("{} : f64", f64::from_bits(bits)),
        other => format!("{bits:#x} : {other:?}"),
    }
}

/// The `spectest` function `name` if it is one of the printing functions and `ty` is its
/// type; `None` otherwise (the import is then unresolved).
pub fn spectest_import(name: &str, ty: &FuncType) -> Option<Arc<HostFunc>> {
    use ValType::*;
    let params: &[ValType] = match name {
        "print" => &[],
        "print_i32" | "print_char" => &[I32],
        "print_i64" => &[I64],
        "print_f32" => &[F32],
        "print_f64" => &[F64],
        "print_i32_f32" => &[I32, F32],
        "print_f64_f64" => &[F64, F64],
        _ => return None,
    };
    if ty.params != params || !ty.results.is_empty() {
        return None;
    }
    let func: Box<crate::instance::HostFn> = if name == "print_char" {
        Box::new(|_, args| {
            with_output(|out| push_unit(out, args[0] as u16));
            Ok(())
        })
    } else {
        let types = params.to_vec();
        Box::new(move |_, args| {
            with_output(|out| {
                for (bits, t) in args.iter().zip(&types) {
                    out.buf.extend_from_slice(format_value(*bits, *t).as_bytes());
                    out.buf.push(b'\n');
                }
            });
            Ok(())
        })
    };
    Some(Arc::new(HostFunc { ty: ty.clone(), func }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surrogate_pairs_become_one_code_point() {
        let mut out = Output { buf: Vec::new(), high: None };
        // U+1F600 is D83D DE00 in UTF-16; D800 followed by 'A' is unpaired.
        for unit in [0x48u16, 0xD83D, 0xDE00, 0xD800, 0x41] {
            push_unit(&mut out, unit);
        }
        assert_eq!(String::from_utf8(out.buf).unwrap(), "H\u{1F600}\u{FFFD}A");
    }
}
