//! The spec test suite (`../shared/testsuite/core`, `legacy/` and the vendored
//! `threads-testsuite/`) through wasmc-compiled code: one test per
//! script, each run by `wasmc-wast --one` in a child process (so a crash fails that script
//! only). Scripts that the skip list skips whole are reported as ignored; a script passes
//! when none of its directives fails.

use std::path::{Path, PathBuf};
use std::process::Command;

use libtest_mimic::{Arguments, Failed, Trial};
use wasmc_filetests::skips::SkipList;

fn suite() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/testsuite/core")
}

fn scripts(dir: &Path, rel: &str, out: &mut Vec<String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).expect("test suite").flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        let rel = if rel.is_empty() { name } else { format!("{rel}/{name}") };
        if e.path().is_dir() {
            scripts(&e.path(), &rel, out);
        } else if rel.ends_with(".wast") {
            out.push(rel);
        }
    }
}

fn run(file: &str) -> Result<(), Failed> {
    let out = Command::new(env!("CARGO_BIN_EXE_wasmc-wast")).arg("--one").arg(file).output()?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let result = stdout.lines().find_map(|l| l.strip_prefix("RESULT ")).ok_or_else(|| {
        format!("no result ({}):\n{stdout}\n{}", out.status, String::from_utf8_lossy(&out.stderr))
    })?;
    let n: Vec<usize> = result.split(' ').filter_map(|x| x.parse().ok()).collect();
    if n.get(1) != Some(&0) {
        return Err(format!("{result} (passed failed skipped)\n{stdout}").into());
    }
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let skips_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("spec-skips.txt");
    let skips = SkipList::parse(&std::fs::read_to_string(skips_path).expect("skip list"))
        .expect("skip list");
    let mut files = Vec::new();
    scripts(&suite(), "", &mut files);
    // The legacy exception-handling scripts beside `core/` (run through wast2json).
    scripts(&suite().join("../legacy"), "../legacy", &mut files);
    // The vendored threads scripts (`wasmc-wast` names them `threads-testsuite/...`).
    let threads = Path::new(env!("CARGO_MANIFEST_DIR")).join("threads-testsuite");
    scripts(&threads, "threads-testsuite", &mut files);
    let trials = files
        .into_iter()
        .map(|f| {
            let ignored = skips.file_reason(&f).is_some();
            Trial::test(f.clone(), move || run(&f)).with_ignored_flag(ignored)
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}
