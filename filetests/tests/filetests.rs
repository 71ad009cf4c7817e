//! Runs every case under `filetests/cases` (see the crate docs); `BLESS=1` rewrites
//! expectations.

use std::path::{Path, PathBuf};

use libtest_mimic::{Arguments, Trial};

fn cases(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> =
        std::fs::read_dir(dir).expect("cases dir").flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            cases(&p, out);
        } else if p.extension().is_some_and(|e| e == "wat" || e == "clif") {
            out.push(p);
        }
    }
}

fn main() {
    let args = Arguments::from_args();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("cases");
    let bless = std::env::var_os("BLESS").is_some_and(|v| v == "1");
    let mut files = Vec::new();
    cases(&root, &mut files);
    let trials = files
        .into_iter()
        .map(|p| {
            let name = p.strip_prefix(&root).unwrap().display().to_string();
            Trial::test(name, move || wasmc_filetests::run(&p, bless).map_err(Into::into))
        })
        .collect::<Vec<_>>();
    let mut trials = trials;
    trials.push(Trial::test("spiller/alias-resolution-off-breaks-wasmtime-13228", move || {
        alias_resolution_off(&root.join("spiller")).map_err(Into::into)
    }));
    libtest_mimic::run(&args, trials).exit();
}

/// Runs the spiller cases with the spiller's alias resolution switched off (the debug flag)
/// and checks that the Wasmtime #13228 case then fails: the spill oracle finds the use of a
/// stale reference through the unresolved alias.
fn alias_resolution_off(dir: &Path) -> Result<(), String> {
    for (file, comment) in [
        ("wasmtime-13228-alias-after-safepoint.wat", ";;"),
        ("wasmtime-13228-explicit-alias.clif", ";"),
    ] {
        let case = dir.join(file);
        let source = std::fs::read_to_string(&case).map_err(|e| e.to_string())?;
        let without = format!("{comment} flags: no-alias-resolution\n{source}");
        match wasmc_filetests::output(&case, &without) {
            Err(e) if e.contains("spill verification failed") && e.contains("made stale") => {}
            Err(e) => return Err(format!("{file}: expected a stale-use violation, got: {e}")),
            Ok(out) => return Err(format!("{file} passed without alias resolution:\n{out}")),
        }
        // With resolution (the default), the same case is clean.
        wasmc_filetests::output(&case, &source)?;
    }
    Ok(())
}
