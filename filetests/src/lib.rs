//! File-driven tests of wasmc.
//!
//! A filetest is one file under `filetests/cases/`: a `.wat` module or `.clif` functions,
//! whose first comment line names what to run and print:
//!
//! ```text
//! ;; test: translate      CLIF as the translator produces it (.wat)
//! ;; test: optimize       CLIF after Cranelift's mid-end (.wat or .clif)
//! ```
//!
//! followed by `check:`/`nextln:`/`not:` directives ([`filecheck`]) matched against the
//! printed CLIF of all functions. With `BLESS=1` a failing case is rewritten so that its
//! expectations match the current output.

#![deny(missing_docs)]

pub mod filecheck;
pub mod skips;
pub mod wast;

use std::path::Path;

use wasmc::{Config, Stage};

/// What a filetest runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TestKind {
    /// Print the translated CLIF.
    Translate,
    /// Print CLIF after the mid-end.
    Optimize,
}

fn header(source: &str) -> Result<TestKind, String> {
    for line in source.lines() {
        let t = line.trim_start().trim_start_matches(';').trim();
        if let Some(kind) = t.strip_prefix("test:") {
            return match kind.trim() {
                "translate" => Ok(TestKind::Translate),
                "optimize" => Ok(TestKind::Optimize),
                other => Err(format!("unknown test kind `{other}`")),
            };
        }
    }
    Err("missing `test:` header".into())
}

/// The printed output of a filetest.
///
/// # Errors
/// Parse, compile or verifier errors, as text.
pub fn output(path: &Path, source: &str) -> Result<String, String> {
    let kind = header(source)?;
    let config = Config::default();
    match path.extension().and_then(|e| e.to_str()) {
        Some("wat") => {
            let wasm = wat::parse_str(source).map_err(|e| e.to_string())?;
            let stage = match kind {
                TestKind::Translate => Stage::Translate,
                TestKind::Optimize => Stage::Optimize,
            };
            let funcs = wasmc::clif(&wasm, &config, stage).map_err(|e| e.to_string())?;
            Ok(funcs
                .iter()
                .map(|(n, c)| format!(";; function {n}\n{c}"))
                .collect::<Vec<_>>()
                .join("\n"))
        }
        Some("clif") => {
            let isa = wasmc::emit::isa(&config).map_err(|e| e.to_string())?;
            let funcs = cranelift_reader::parse_functions(source).map_err(|e| e.to_string())?;
            let mut out = String::new();
            for f in funcs {
                out.push_str(&match kind {
                    TestKind::Translate => f.display().to_string(),
                    TestKind::Optimize => wasmc::emit::optimize(f, &*isa)?,
                });
            }
            Ok(out)
        }
        _ => Err("filetests are .wat or .clif files".into()),
    }
}

/// Runs one filetest; with `bless`, rewrites a failing file's expectations.
///
/// # Errors
/// The mismatch, with the output.
pub fn run(path: &Path, bless: bool) -> Result<(), String> {
    let source = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let out = output(path, &source)?;
    let directives = filecheck::parse_directives(&source);
    match filecheck::check(&directives, &out) {
        Ok(()) if !directives.is_empty() => Ok(()),
        Ok(()) if !bless => Err("no check directives".into()),
        Err(e) if !bless => Err(e),
        _ => {
            let comment = if path.extension().is_some_and(|e| e == "wat") { ";;" } else { ";" };
            let blessed = filecheck::bless(&source, &out, comment);
            std::fs::write(path, blessed).map_err(|e| e.to_string())
        }
    }
}
