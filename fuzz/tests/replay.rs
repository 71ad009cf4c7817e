//! Replays each fuzz target's oracle over its checked-in corpus (`corpus/<target>/`), so the
//! oracles run in CI on the stable toolchain (cargo-fuzz needs nightly). One trial per
//! target; a failure names the input file.

use std::path::Path;

use libtest_mimic::{Arguments, Failed, Trial};

fn replay(
    target: &str,
    min_inputs: usize,
    check: fn(&[u8]) -> Result<(), String>,
) -> Result<(), Failed> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus").join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    if files.len() < min_inputs {
        return Err(format!(
            "{target}: only {} corpus inputs (at least {min_inputs})",
            files.len()
        )
        .into());
    }
    for f in &files {
        let data = std::fs::read(f)?;
        check(&data).map_err(|e| format!("{}: {e}", f.display()))?;
    }
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let trials = vec![
        Trial::test("corpus::compile", || replay("compile", 200, wasmc_fuzz::compile::run)),
        Trial::test("corpus::spiller", || {
            replay("spiller", 200, |d| wasmc_fuzz::spiller::run(d).map(|_| ()))
        }),
        Trial::test("corpus::differential", || {
            replay("differential", 200, |d| wasmc_fuzz::differential::run(d).map(|_| ()))
        }),
    ];
    libtest_mimic::run(&args, trials).exit();
}
