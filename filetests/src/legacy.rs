//! Scripts of legacy exception handling (`../shared/testsuite/legacy/`), which the `wast`
//! crate cannot read (it has no folded `(try (do ...) (catch ...))` form).
//!
//! WABT's `wast2json` (Debian package `wabt`; its `--enable-exceptions` is the legacy proposal,
//! `--enable-tail-call` lets `return_call` through) assembles each module of such a script to a
//! binary `.wasm` and writes the directives as JSON. [`script_from_json`] turns that JSON back
//! into a `.wast` script whose modules are `(module binary ...)` and whose directives stand on
//! their original lines, so the ordinary runner ([`crate::wast::run_text`]) runs it and its
//! reports and skip list use the original line numbers. Text modules that `wast2json` leaves as
//! text (those of `assert_malformed`) become `(module quote ...)`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;

/// One command of `wast2json`'s output (the fields wasmc's scripts use).
#[derive(Deserialize)]
struct JsonCommand {
    #[serde(rename = "type")]
    kind: String,
    line: usize,
    name: Option<String>,
    filename: Option<String>,
    module_type: Option<String>,
    #[serde(rename = "as")]
    register_as: Option<String>,
    action: Option<JsonAction>,
    expected: Option<Vec<JsonValue>>,
    text: Option<String>,
}

#[derive(Deserialize)]
struct JsonAction {
    #[serde(rename = "type")]
    kind: String,
    module: Option<String>,
    field: String,
    #[serde(default)]
    args: Vec<JsonValue>,
}

#[derive(Deserialize)]
struct JsonValue {
    #[serde(rename = "type")]
    ty: String,
    value: Option<String>,
}

#[derive(Deserialize)]
struct JsonScript {
    commands: Vec<JsonCommand>,
}

/// Runs `wast2json --enable-exceptions` on `wast`, writing into `out`; returns the JSON.
///
/// # Errors
/// `wast2json` is missing (install Debian's `wabt`) or rejects the script.
pub fn wast2json(wast: &Path, out: &Path) -> Result<PathBuf, String> {
    let json = out.join("script.json");
    let result = Command::new("wast2json")
        .arg("--enable-exceptions")
        .arg("--enable-tail-call")
        .arg(wast)
        .arg("-o")
        .arg(&json)
        .output()
        .map_err(|e| format!("cannot run wast2json (apt-get install wabt): {e}"))?;
    if !result.status.success() {
        return Err(format!(
            "wast2json failed on {}: {}",
            wast.display(),
            String::from_utf8_lossy(&result.stderr).trim()
        ));
    }
    Ok(json)
}

/// A `.wast` script equivalent to `wast2json`'s output `json` (module files beside it).
///
/// # Errors
/// The JSON or a module file cannot be read, or holds a command this converter does not
/// know (which the runner then reports as a failure of the file).
pub fn script_from_json(json: &Path) -> Result<String, String> {
    let dir = json.parent().unwrap_or(Path::new("."));
    let text = std::fs::read_to_string(json).map_err(|e| format!("{}: {e}", json.display()))?;
    let script: JsonScript =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", json.display()))?;
    let mut out = String::new();
    let mut line = 1;
    for c in &script.commands {
        // Each directive starts on its original line (they come in line order).
        while line < c.line {
            out.push('\n');
            line += 1;
        }
        let directive = directive(c, dir)?;
        line += directive.matches('\n').count();
        out.push_str(&directive);
        out.push(' ');
    }
    out.push('\n');
    Ok(out)
}

fn directive(c: &JsonCommand, dir: &Path) -> Result<String, String> {
    let module = |c: &JsonCommand| module(c, dir);
    let message = || quote(c.text.as_deref().unwrap_or("").as_bytes());
    Ok(match c.kind.as_str() {
        "module" => module(c)?,
        "register" => {
            let name = c.name.as_deref().map(|n| format!(" {n}")).unwrap_or_default();
            format!("(register {}{name})", quote(c.register_as.as_deref().unwrap_or("").as_bytes()))
        }
        "action" => action(c)?,
        "assert_return" => {
            let results: Vec<String> =
                c.expected.iter().flatten().map(value).collect::<Result<_, _>>()?;
            format!("(assert_return {} {})", action(c)?, results.join(" "))
        }
        "assert_exception" => format!("(assert_exception {})", action(c)?),
        "assert_trap" => format!("(assert_trap {} {})", action(c)?, message()),
        "assert_exhaustion" => format!("(assert_exhaustion {} {})", action(c)?, message()),
        "assert_invalid" => format!("(assert_invalid {} {})", module(c)?, message()),
        "assert_malformed" => format!("(assert_malformed {} {})", module(c)?, message()),
        "assert_unlinkable" => format!("(assert_unlinkable {} {})", module(c)?, message()),
        "assert_uninstantiable" => format!("(assert_trap {} {})", module(c)?, message()),
        other => return Err(format!("line {}: unknown wast2json command `{other}`", c.line)),
    })
}

/// The module of a command: binary as `(module $name binary "...")`, text as
/// `(module quote "...")`.
fn module(c: &JsonCommand, dir: &Path) -> Result<String, String> {
    let file = c.filename.as_deref().ok_or_else(|| format!("line {}: no module file", c.line))?;
    let bytes = std::fs::read(dir.join(file)).map_err(|e| format!("{file}: {e}"))?;
    let name = c.name.as_deref().map(|n| format!("{n} ")).unwrap_or_default();
    Ok(match c.module_type.as_deref() {
        Some("text") => format!("(module {name}quote {})", quote(&bytes)),
        _ => format!("(module {name}binary {})", quote(&bytes)),
    })
}

fn action(c: &JsonCommand) -> Result<String, String> {
    let a = c.action.as_ref().ok_or_else(|| format!("line {}: no action", c.line))?;
    let module = a.module.as_deref().map(|m| format!("{m} ")).unwrap_or_default();
    let field = quote(a.field.as_bytes());
    match a.kind.as_str() {
        "invoke" => {
            let args: Vec<String> = a.args.iter().map(value).collect::<Result<_, _>>()?;
            Ok(format!("(invoke {module}{field} {})", args.join(" ")))
        }
        "get" => Ok(format!("(get {module}{field})")),
        other => Err(format!("line {}: unknown action `{other}`", c.line)),
    }
}

/// A value as a constant instruction. `wast2json` writes integers as unsigned decimals and
/// floats as their bits in decimal (or `nan:canonical`/`nan:arithmetic`).
fn value(v: &JsonValue) -> Result<String, String> {
    let raw = v.value.as_deref().unwrap_or("");
    let bad = || format!("bad {} value `{raw}`", v.ty);
    Ok(match v.ty.as_str() {
        "i32" | "i64" => format!("({}.const {raw})", v.ty),
        "f32" | "f64" if raw.starts_with("nan:") => format!("({}.const {raw})", v.ty),
        "f32" => {
            let bits = raw.parse::<u32>().map_err(|_| bad())?;
            format!(
                "(f32.const {})",
                float_text(f64::from(f32::from_bits(bits)), u64::from(bits), 32)
            )
        }
        "f64" => {
            let bits = raw.parse::<u64>().map_err(|_| bad())?;
            format!("(f64.const {})", float_text(f64::from_bits(bits), bits, 64))
        }
        "externref" | "funcref" | "exnref" if raw == "null" => {
            format!("(ref.null {})", &v.ty[..v.ty.len() - 3])
        }
        "externref" => format!("(ref.extern {raw})"),
        other => return Err(format!("unsupported value type `{other}`")),
    })
}

/// The text of a float of `width` bits with raw `bits` (`x` is its value): NaNs with their
/// payload, infinities by name, finite values in Rust's shortest round-tripping form.
fn float_text(x: f64, bits: u64, width: u32) -> String {
    let sign = if bits >> (width - 1) & 1 == 1 { "-" } else { "" };
    if x.is_nan() {
        let payload = if width == 32 { bits & 0x7f_ffff } else { bits & 0xf_ffff_ffff_ffff };
        format!("{sign}nan:{payload:#x}")
    } else if x.is_infinite() {
        format!("{sign}inf")
    } else if width == 32 {
        format!("{:e}", x as f32)
    } else {
        format!("{x:e}")
    }
}

/// A Wasm text string literal of `bytes` (`"..."`, escaping all but plain printable ASCII).
fn quote(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() + 2);
    s.push('"');
    for b in bytes {
        match b {
            b' '..=b'~' if *b != b'"' && *b != b'\\' => s.push(*b as char),
            _ => {
                let _ = write!(s, "\\{b:02x}");
            }
        }
    }
    s.push('"');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_become_constants() {
        let v = |ty: &str, value: &str| JsonValue { ty: ty.into(), value: Some(value.into()) };
        assert_eq!(value(&v("i32", "4294967295")).unwrap(), "(i32.const 4294967295)");
        assert_eq!(value(&v("f32", "1084227584")).unwrap(), "(f32.const 5e0)");
        assert_eq!(value(&v("f32", "2143289344")).unwrap(), "(f32.const nan:0x400000)");
        assert_eq!(value(&v("f64", "18442240474082181120")).unwrap(), "(f64.const -inf)");
        assert_eq!(value(&v("f64", "nan:canonical")).unwrap(), "(f64.const nan:canonical)");
        assert!(value(&v("v999", "0")).is_err());
    }

    #[test]
    fn strings_are_escaped() {
        assert_eq!(quote(b"a\"b\\\n\x00"), "\"a\\22b\\5c\\0a\\00\"");
    }
}
