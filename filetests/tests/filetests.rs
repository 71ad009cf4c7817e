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
    let spiller = root.join("spiller");
    trials.push(Trial::test("spiller/alias-resolution-off-breaks-wasmtime-13228", {
        let dir = spiller.clone();
        move || alias_resolution_off(&dir).map_err(Into::into)
    }));
    trials.push(Trial::test("harness/bless-keeps-hand-written-directives", {
        let dir = spiller.clone();
        move || bless_keeps_directives(&dir).map_err(Into::into)
    }));
    trials.push(Trial::test("harness/a-wrong-targeted-check-fails", {
        let dir = spiller.clone();
        move || wrong_check_fails(&dir).map_err(Into::into)
    }));
    libtest_mimic::run(&args, trials).exit();
}

/// The case the harness tests below work on (a copy of it, in a temporary directory).
const HARNESS_CASE: &str = "live-on-one-branch.wat";

/// Copies the harness case into a temporary directory with `edit` applied to its text.
fn copy_case(
    dir: &Path,
    edit: impl FnOnce(&str) -> String,
) -> Result<(tempfile::TempDir, PathBuf, String), String> {
    let source = std::fs::read_to_string(dir.join(HARNESS_CASE)).map_err(|e| e.to_string())?;
    let tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
    let path = tmp.path().join(HARNESS_CASE);
    std::fs::write(&path, edit(&source)).map_err(|e| e.to_string())?;
    Ok((tmp, path, source))
}

/// The text before the `;; output:` block (the directives live there).
fn before_block(s: &str) -> &str {
    &s[..s.find("\n;; output:\n").expect("the case has an output block")]
}

/// A stale output block fails the case; `BLESS=1` rewrites the block back to the current
/// output and leaves every hand-written directive as it was.
fn bless_keeps_directives(dir: &Path) -> Result<(), String> {
    let stale = |s: &str| s.replace("stack_map=[i64 @ ss0+0]  ; v7 = 16", "stale");
    let (_tmp, path, original) = copy_case(dir, stale)?;
    if wasmc_filetests::run(&path, false).is_ok() {
        return Err("a stale output block passed".into());
    }
    wasmc_filetests::run(&path, true)?;
    let blessed = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
    if before_block(&blessed) != before_block(&original) {
        return Err(format!("bless changed the directives:\n{blessed}"));
    }
    if blessed != original {
        return Err(format!("bless did not restore the output block:\n{blessed}"));
    }
    wasmc_filetests::run(&path, false)
}

/// A deliberately wrong targeted check (two slots at the safepoint, which has one; a
/// `not:` for the `return` that follows the last check) fails the case, with and without `BLESS=1`,
/// and blessing leaves it in the file.
fn wrong_check_fails(dir: &Path) -> Result<(), String> {
    for (wrong, why) in [
        (";; check: stack_map=[i64 @ ss0+0, i64 @ ss1+0]", "no match"),
        (";; not: return v4", "forbidden"),
    ] {
        let insert = |s: &str| s.replacen("\n;; output:\n", &format!("\n{wrong}\n;; output:\n"), 1);
        let (_tmp, path, _) = copy_case(dir, insert)?;
        for bless in [false, true] {
            match wasmc_filetests::run(&path, bless) {
                Err(e) if e.contains(why) => {}
                Err(e) => return Err(format!("`{wrong}` failed for another reason: {e}")),
                Ok(()) => return Err(format!("`{wrong}` passed (bless: {bless})")),
            }
        }
        let after = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
        if !before_block(&after).contains(wrong) {
            return Err(format!("bless removed `{wrong}`"));
        }
    }
    Ok(())
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
