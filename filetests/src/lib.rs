//! File-driven tests of wasmc.
//!
//! A filetest is one file under `filetests/cases/`: a `.wat` module or `.clif` functions,
//! whose first comment line names what to run and print:
//!
//! ```text
//! ;; test: translate      CLIF as the translator produces it (.wat)
//! ;; test: spill          CLIF after the safepoint spiller (.wat or .clif)
//! ;; test: optimize       CLIF after the spiller and Cranelift's mid-end (.wat or .clif)
//! ;; test: compile        the machine-code facts of each function (.wat): stack maps and
//!                         landing pads by return-address offset, as the runtime reads them
//! ```
//!
//! A `spill` case also checks the spilled code with the independent oracle
//! `wasmc::safepoints::verify`. Optional header lines:
//!
//! ```text
//! ;; flags: no-gc-analysis         every call is a safepoint (.wat)
//! ;; flags: no-alias-resolution    the debug mode that demonstrates Wasmtime #13228
//! ; refs: v1 v2                    .clif: the values that hold GC references
//! ```
//!
//! In a `.clif` spill case every `call`/`call_indirect` is a safepoint unless its callee is
//! named on a `; no-gc: fn0 fn1` line.
//!
//! followed by hand-written `check:`/`nextln:`/`sameln:`/`not:` directives ([`filecheck`])
//! matched against the printed output of all functions: every case has some, targeted at
//! what the case is about. A case may also end with a blessed precise-output block (from a
//! `;; output:` line to the end of the file) that must equal the output; `BLESS=1` rewrites
//! that block only, never the directives.

#![deny(missing_docs)]

pub mod decode;
pub mod filecheck;
pub mod legacy;
pub mod skips;
mod spectest;
pub mod wast;
pub mod wast_assert;

use std::path::Path;

use wasmc::{Config, Stage};

/// What a filetest runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TestKind {
    /// Print the translated CLIF.
    Translate,
    /// Print CLIF after the safepoint spiller.
    Spill,
    /// Print CLIF after the mid-end.
    Optimize,
    /// Print the compiled functions' stack maps and landing pads.
    Compile,
}

/// The header of a filetest: what to run and with which options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// What to run.
    pub kind: TestKind,
    /// `flags:` words.
    pub flags: Vec<String>,
    /// `.clif` spill cases: the reference values (`refs:`).
    pub refs: Vec<u32>,
    /// `.clif` spill cases: callees whose calls are not safepoints (`no-gc:`).
    pub no_gc: Vec<String>,
}

fn header_value<'s>(line: &'s str, key: &str) -> Option<&'s str> {
    line.trim_start().trim_start_matches(';').trim().strip_prefix(key).map(str::trim)
}

/// Parses the header lines of a filetest.
///
/// # Errors
/// A missing or unknown `test:` line, or a malformed `refs:` value.
pub fn header(source: &str) -> Result<Header, String> {
    let mut kind = None;
    let mut h = Header {
        kind: TestKind::Translate,
        flags: Vec::new(),
        refs: Vec::new(),
        no_gc: Vec::new(),
    };
    for line in source.lines() {
        if let Some(k) = header_value(line, "test:") {
            kind = Some(match k {
                "translate" => TestKind::Translate,
                "spill" => TestKind::Spill,
                "optimize" => TestKind::Optimize,
                "compile" => TestKind::Compile,
                other => return Err(format!("unknown test kind `{other}`")),
            });
        } else if let Some(f) = header_value(line, "flags:") {
            h.flags.extend(f.split_whitespace().map(String::from));
        } else if let Some(r) = header_value(line, "refs:") {
            for v in r.split_whitespace() {
                let n = v.strip_prefix('v').and_then(|n| n.parse().ok());
                h.refs.push(n.ok_or_else(|| format!("bad value `{v}` in `refs:`"))?);
            }
        } else if let Some(r) = header_value(line, "no-gc:") {
            h.no_gc.extend(r.split_whitespace().map(String::from));
        }
    }
    h.kind = kind.ok_or("missing `test:` header")?;
    Ok(h)
}

/// Runs the spiller (and its oracle) on a `.clif` function as the header describes.
fn spill_clif(func: &mut cranelift_codegen::ir::Function, h: &Header) -> Result<(), String> {
    use cranelift_codegen::ir::{Value, instructions::CallInfo};
    use cranelift_entity::{EntityRef, EntitySet};
    let mut refs = EntitySet::new();
    for n in &h.refs {
        refs.insert(Value::new(*n as usize));
    }
    let mut safepoints = Vec::new();
    for b in func.layout.blocks() {
        for inst in func.layout.block_insts(b) {
            match func.dfg.insts[inst]
                .analyze_call(&func.dfg.value_lists, &func.dfg.exception_tables)
            {
                CallInfo::Direct(f, _) => {
                    let name = f.to_string();
                    if !h.no_gc.contains(&name) {
                        safepoints.push(inst);
                    }
                }
                CallInfo::Indirect(..) | CallInfo::DirectWithSig(..) => safepoints.push(inst),
                CallInfo::NotACall => {}
            }
        }
    }
    let spiller = wasmc::safepoints::Spiller {
        resolve_aliases: !h.flags.iter().any(|f| f == "no-alias-resolution"),
        ..Default::default()
    };
    spiller.run(func, &refs, &safepoints);
    wasmc::safepoints::verify(func, &refs, &safepoints)
        .map_err(|e| format!("spill verification failed: {e}"))
}

/// The printed output of a filetest.
///
/// # Errors
/// Parse, compile, verifier or spill-oracle errors, as text.
pub fn output(path: &Path, source: &str) -> Result<String, String> {
    let h = header(source)?;
    let flag = |f: &str| h.flags.iter().any(|x| x == f);
    let config = Config {
        no_gc_analysis: flag("no-gc-analysis"),
        no_alias_resolution: flag("no-alias-resolution"),
        verify_spills: true,
        ..Config::default()
    };
    match path.extension().and_then(|e| e.to_str()) {
        Some("wat") if h.kind == TestKind::Compile => {
            let wasm = wat::parse_str(source).map_err(|e| e.to_string())?;
            let compiled = wasmc::compile(&wasm, &config).map_err(|e| e.to_string())?;
            let mut out = String::new();
            for (name, code) in &compiled.code {
                out.push_str(&format!(";; function {name}\n"));
                for m in &code.stack_maps {
                    out.push_str(&format!(
                        "stack_map ret {:#x} span {} slots {:?}\n",
                        m.ret_offset, m.span, m.slots
                    ));
                }
                for p in &code.landing_pads {
                    out.push_str(&format!(
                        "landing_pad ret {:#x} pad {:#x} frame_offset {}\n",
                        p.ret_offset, p.pad_offset, p.frame_offset
                    ));
                }
            }
            Ok(out)
        }
        Some("wat") => {
            let wasm = wat::parse_str(source).map_err(|e| e.to_string())?;
            let stage = match h.kind {
                TestKind::Translate => Stage::Translate,
                TestKind::Spill => Stage::Spill,
                TestKind::Optimize | TestKind::Compile => Stage::Optimize,
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
            for mut f in funcs {
                out.push_str(&match h.kind {
                    TestKind::Translate => f.display().to_string(),
                    TestKind::Spill => {
                        spill_clif(&mut f, &h)?;
                        f.display().to_string()
                    }
                    TestKind::Optimize => wasmc::emit::optimize(f, &*isa)?,
                    TestKind::Compile => return Err("`test: compile` takes a .wat module".into()),
                });
            }
            Ok(out)
        }
        _ => Err("filetests are .wat or .clif files".into()),
    }
}

/// Runs one filetest (see [`filecheck`]): its targeted directives must match the output,
/// and its blessed output block, if it has one, must equal it. With `bless`, the output
/// block is rewritten from the current output instead of compared; the directives are still
/// checked (blessing never makes a failing targeted check pass).
///
/// # Errors
/// The output cannot be produced, or a mismatch (with the output).
pub fn run(path: &Path, bless: bool) -> Result<(), String> {
    let source = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let out = output(path, &source)?;
    if bless {
        let comment = if path.extension().is_some_and(|e| e == "wat") { ";;" } else { ";" };
        if let Some(blessed) = filecheck::bless(&source, &out, comment)
            && blessed != source
        {
            std::fs::write(path, &blessed).map_err(|e| e.to_string())?;
        }
    }
    filecheck::verify(&source, &out, bless)
}
