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
        .collect();
    libtest_mimic::run(&args, trials).exit();
}
