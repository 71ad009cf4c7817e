//! End-to-end tests: every program in `../shared/programs/c-wasi` is compiled with `wasmc`,
//! run as its `run.txt` says (in a copy of its folder), and its stdout and exit status are
//! compared with `expected.stdout` / `expected.status`. Fixtures in `tests/fixtures` check
//! traps: message, backtrace, exit status.

mod common;

use std::path::Path;

use common::{copy_dir, programs_dir, run_wasmc};
use libtest_mimic::{Arguments, Failed, Trial};

/// Runs one program folder as its `run.txt` says.
fn run_program(dir: &Path) -> Result<(), Failed> {
    let run = std::fs::read_to_string(dir.join("run.txt"))?;
    let line = run.lines().next().ok_or("empty run.txt")?;
    let mut words: Vec<String> = line.split_whitespace().map(String::from).collect();
    if words.first().map(String::as_str) != Some("wasmc") {
        return Err(format!("run.txt does not start with `wasmc`: {line}").into());
    }
    words.remove(0);
    let work = tempfile::tempdir()?;
    copy_dir(dir, work.path())?;
    let out = run_wasmc(work.path(), &words, &[]);
    let expected = std::fs::read_to_string(dir.join("expected.stdout"))?;
    let status: i32 = match std::fs::read_to_string(dir.join("expected.status")) {
        Ok(s) => s.trim().parse()?,
        Err(_) => 0,
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let code = out.status.code().unwrap_or(-1);
    if stdout != expected || code != status {
        return Err(format!(
            "status {code} (expected {status})\n--- stdout\n{stdout}\n--- expected\n{expected}\n--- stderr\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    Ok(())
}

/// A fixture that must trap: `(file, export to invoke or None for _start, stderr lines)`.
const TRAP_FIXTURES: &[(&str, &[&str])] = &[
    ("div_by_zero.wat", &["wasm trap: integer divide by zero", "0: divide_it", "1: middle"]),
    ("infinite_recursion.wat", &["wasm trap: call stack exhausted", "0: forever", "more frames"]),
    ("out_of_bounds.wat", &["wasm trap: out of bounds memory access", "0: poke"]),
    ("indirect_mismatch.wat", &["wasm trap: indirect call type mismatch", "0: dispatch"]),
    ("unreachable.wat", &["wasm trap: unreachable", "0: func[1]"]),
];

fn run_trap_fixture(file: &str, expect: &[&str]) -> Result<(), Failed> {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let out = run_wasmc(&fixtures, &["run".into(), file.into()], &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.code() != Some(134) {
        return Err(
            format!("status {:?}, expected 134; stderr:\n{stderr}", out.status.code()).into()
        );
    }
    for e in expect {
        if !stderr.contains(e) {
            return Err(format!("stderr lacks `{e}`:\n{stderr}").into());
        }
    }
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let mut trials = Vec::new();
    let suite = programs_dir().join("c-wasi");
    let mut dirs: Vec<_> = std::fs::read_dir(&suite)
        .unwrap_or_else(|e| panic!("{}: {e}", suite.display()))
        .flatten()
        .filter(|e| e.path().join("run.txt").is_file())
        .map(|e| e.path())
        .collect();
    dirs.sort();
    for dir in dirs {
        let name = format!("c-wasi::{}", dir.file_name().unwrap().to_string_lossy());
        trials.push(Trial::test(name, move || run_program(&dir)));
    }
    for (file, expect) in TRAP_FIXTURES {
        trials.push(Trial::test(format!("trap::{file}"), move || run_trap_fixture(file, expect)));
    }
    libtest_mimic::run(&args, trials).exit();
}
