//! Threaded programs (issue 28), run as a user runs them (`wasmc run`):
//!
//! * `wasi-threads::*`: the proposal's own test suite (`filetests/wasi-threads-testsuite`,
//!   vendored; its README), each program's exit status against its `.json`;
//! * `c::*`: the C programs of `tests/fixtures/threads` (their README), built at test time
//!   for `wasm32-wasi-threads` with Debian's clang and the sysroot of
//!   `../shared/toolchains/wasi-sysroot-threads.tgz`, plainly and under the collector's
//!   stress knobs; stdout against `NAME.expected` (what the native build prints);
//! * `wat::*`: hand-written modules: threads that each allocate and collect their own GC
//!   heap (at stress interval 1 too), 10,000 spawns against `WASMC_MAX_THREADS=64`, and the
//!   modules that cannot run threads, refused with a message and status 1 before any code
//!   runs.
//!
//! * `mc::*`: the deterministic scheduler and the model checker (issue 29), on the C
//!   programs and WAT of `tests/fixtures/model_check` (`threads/model_check.rs`).
//!
//! Every run has a deadline ([`DEADLINE`]): a program that hangs fails its test.

mod common;
#[path = "threads/model_check.rs"]
mod model_check;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{test_cache_dir, wasmc};
use libtest_mimic::{Arguments, Failed, Trial};

/// How long one program may run (they take well under a second plainly; the stress runs
/// a few seconds on a busy 2-core machine).
const DEADLINE: Duration = Duration::from_secs(300);

/// The collector's stress knobs: a collection at every allocation, evacuated memory
/// poisoned, the heap verified.
const GC_STRESS: &[(&str, &str)] =
    &[("WASMC_GC_STRESS", "1"), ("WASMC_GC_POISON", "1"), ("WASMC_GC_VERIFY", "1")];

/// What a run printed and how it ended.
struct Run {
    status: i32,
    stdout: String,
    stderr: String,
}

/// `wasmc run FILE -- ARGS` in `dir` with `env`; stdin is a pipe held open until the
/// program ends (so a read of it blocks), stdout and stderr go to files. Killed at the
/// deadline.
fn run(dir: &Path, file: &Path, args: &[&str], env: &[(&str, &str)]) -> Result<Run, Failed> {
    run_with(dir, &[], file, args, env)
}

/// [`run`] with `flags` for `wasmc run` before the file.
fn run_with(
    dir: &Path,
    flags: &[&str],
    file: &Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> Result<Run, Failed> {
    let out = tempfile::tempdir()?;
    let (stdout, stderr) = (out.path().join("stdout"), out.path().join("stderr"));
    let mut cmd = Command::new(wasmc());
    cmd.current_dir(dir).arg("run").args(flags).arg(file);
    if !args.is_empty() {
        cmd.arg("--").args(args);
    }
    for (k, _) in std::env::vars() {
        if k.starts_with("WASMC_ENV_") || k == "WASMC_PREOPEN" || k == "WASMC_MAX_THREADS" {
            cmd.env_remove(k);
        }
    }
    cmd.env("WASMC_CACHE_DIR", test_cache_dir()).envs(env.iter().copied());
    cmd.stdin(Stdio::piped())
        .stdout(std::fs::File::create(&stdout)?)
        .stderr(std::fs::File::create(&stderr)?);
    let mut child = cmd.spawn()?;
    let stdin = child.stdin.take();
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait()? {
            break s;
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("{} did not end within {DEADLINE:?}", file.display()).into());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    drop(stdin);
    let read = |p: &Path| -> std::io::Result<String> {
        let mut s = String::new();
        std::fs::File::open(p)?.read_to_string(&mut s)?;
        Ok(s)
    };
    let status = status.code().map_or_else(|| format!("killed by {status}"), |c| c.to_string());
    Ok(Run { status: status.parse().unwrap_or(-1), stdout: read(&stdout)?, stderr: read(&stderr)? })
}

/// Fails with the run's output unless it ended with `status`.
fn expect_status(run: &Run, status: i32) -> Result<(), Failed> {
    if run.status != status {
        return Err(format!(
            "status {} (expected {status})\n--- stdout\n{}\n--- stderr\n{}",
            run.status, run.stdout, run.stderr
        )
        .into());
    }
    Ok(())
}

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixtures() -> PathBuf {
    manifest().join("tests/fixtures/threads")
}

/// A program of the wasi-threads suite: its exit status must be the `.json`'s `exit_code`
/// (0 without one).
fn wasi_threads_program(wat: &Path) -> Result<(), Failed> {
    let status = match std::fs::read_to_string(wat.with_extension("json")) {
        Ok(json) => {
            let v: serde_json::Value = serde_json::from_str(&json)?;
            v["exit_code"].as_i64().ok_or("no exit_code in the .json")? as i32
        }
        Err(_) => 0,
    };
    expect_status(&run(wat.parent().unwrap(), wat, &[], &[])?, status)
}

/// The sysroot of `../shared/toolchains/wasi-sysroot-threads.tgz`, unpacked once under the
/// target directory (into a fresh folder renamed into place, so concurrent tests never see
/// half of it).
fn sysroot() -> Result<PathBuf, Failed> {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("wasi-sysroot-threads");
    let sysroot = root.join("sysroot-threads");
    if sysroot.is_dir() {
        return Ok(sysroot);
    }
    let tgz = manifest().join("../../shared/toolchains/wasi-sysroot-threads.tgz");
    let tmp = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR"))?;
    let out = Command::new("tar").arg("xzf").arg(&tgz).arg("-C").arg(tmp.path()).output()?;
    if !out.status.success() {
        return Err(
            format!("tar xzf {}: {}", tgz.display(), String::from_utf8_lossy(&out.stderr)).into()
        );
    }
    std::fs::create_dir_all(&root)?;
    // Losing the race to another test is fine: its copy is the same.
    let _ = std::fs::rename(tmp.path().join("sysroot-threads"), &sysroot);
    if !sysroot.is_dir() {
        return Err(format!("{} holds no sysroot-threads/", tgz.display()).into());
    }
    Ok(sysroot)
}

/// Builds fixture `NAME.c` for `wasm32-wasi-threads` into `dir` (the flags of the
/// toolchain's README); returns the `.wasm`.
fn build_c(name: &str, dir: &Path) -> Result<PathBuf, Failed> {
    build_c_in(&fixtures(), name, dir)
}

/// [`build_c`] of `NAME.c` in the folder `src`.
fn build_c_in(src: &Path, name: &str, dir: &Path) -> Result<PathBuf, Failed> {
    let sysroot = sysroot()?;
    let wasm = dir.join(format!("{name}.wasm"));
    let out = Command::new("clang")
        .arg("--target=wasm32-wasi-threads")
        .arg(format!("--sysroot={}", sysroot.display()))
        .args(["-O2", "-pthread", "-ftls-model=local-exec"])
        .arg(src.join(format!("{name}.c")))
        .arg("-o")
        .arg(&wasm)
        .arg("-Wl,--import-memory,--max-memory=134217728")
        .output()
        .map_err(|e| format!("clang (scripts/test installs Debian's clang and lld): {e}"))?;
    if !out.status.success() {
        return Err(format!("clang {name}.c: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(wasm)
}

/// C fixture `name`: stdout must be `NAME.expected`, the status `status`, and stderr must
/// hold every line of `stderr`.
fn c_program(name: &str, status: i32, stderr: &[&str], env: &[(&str, &str)]) -> Result<(), Failed> {
    let dir = tempfile::tempdir()?;
    let wasm = build_c(name, dir.path())?;
    let run = run(dir.path(), &wasm, &[], env)?;
    expect_status(&run, status)?;
    let expected = std::fs::read_to_string(fixtures().join(format!("{name}.expected")))?;
    if run.stdout != expected {
        return Err(format!("--- stdout\n{}\n--- expected\n{expected}", run.stdout).into());
    }
    for line in stderr {
        if !run.stderr.contains(line) {
            return Err(format!("stderr lacks `{line}`:\n{}", run.stderr).into());
        }
    }
    Ok(())
}

/// The C fixtures: `(name, status, lines stderr must hold)`.
const C_PROGRAMS: &[(&str, i32, &[&str])] = &[
    ("posix", 0, &[]),
    ("exit_thread", 7, &[]),
    // The thread's id (wasi-libc's first thread is the runtime's thread 1), the trap and
    // the backtrace through the thread's start.
    (
        "trap_thread",
        134,
        &["thread 1: wasm trap: unreachable", "0: crash_here", "wasi_thread_start"],
    ),
];

/// Modules that cannot run threads: `(what, module, stderr must hold)`; each must end with
/// status 1 before any code runs (the `_start` would trap with `unreachable`).
const REFUSED: &[(&str, &str, &str)] = &[
    (
        "spawn-without-shared-memory",
        r#"(module (import "wasi" "thread-spawn" (func $s (param i32) (result i32)))
             (memory 1 1)
             (func (export "wasi_thread_start") (param i32 i32))
             (func (export "_start") unreachable))"#,
        "error: the module imports `wasi::thread-spawn` but no shared memory",
    ),
    (
        "spawn-with-own-shared-memory",
        r#"(module (import "wasi" "thread-spawn" (func $s (param i32) (result i32)))
             (memory 1 1 shared)
             (func (export "wasi_thread_start") (param i32 i32))
             (func (export "_start") unreachable))"#,
        "error: the module imports `wasi::thread-spawn` but no shared memory",
    ),
    (
        "no-thread-start",
        r#"(module (import "env" "memory" (memory 1 1 shared))
             (import "wasi" "thread-spawn" (func $s (param i32) (result i32)))
             (func (export "_start") unreachable))"#,
        "error: the module imports `wasi::thread-spawn` but exports no `wasi_thread_start`",
    ),
    (
        "thread-start-of-wrong-type",
        r#"(module (import "env" "memory" (memory 1 1 shared))
             (import "wasi" "thread-spawn" (func $s (param i32) (result i32)))
             (func (export "wasi_thread_start") (param i32) (result i32) i32.const 0)
             (func (export "_start") unreachable))"#,
        "error: the exported `wasi_thread_start` must be a function of type [i32, i32] -> []",
    ),
    (
        "thread-start-not-a-function",
        r#"(module (import "env" "memory" (memory 1 1 shared))
             (import "wasi" "thread-spawn" (func $s (param i32) (result i32)))
             (global (export "wasi_thread_start") i32 (i32.const 0))
             (func (export "_start") unreachable))"#,
        "error: the exported `wasi_thread_start` must be a function",
    ),
    (
        "spawn-of-wrong-type",
        r#"(module (import "env" "memory" (memory 1 1 shared))
             (import "wasi" "thread-spawn" (func $s (param i64) (result i32)))
             (func (export "wasi_thread_start") (param i32 i32))
             (func (export "_start") unreachable))"#,
        "error: incompatible import type for `wasi::thread-spawn`",
    ),
];

fn refused(wat: &str, message: &str) -> Result<(), Failed> {
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("m.wat");
    std::fs::write(&file, wat)?;
    let run = run(dir.path(), &file, &[], &[])?;
    expect_status(&run, 1)?;
    if !run.stderr.contains(message) || run.stderr.contains("unreachable") {
        return Err(format!("stderr lacks `{message}`:\n{}", run.stderr).into());
    }
    Ok(())
}

/// A WAT fixture of `tests/fixtures/threads`, which must end with status 0.
fn wat_fixture(file: &str, env: &[(&str, &str)]) -> Result<(), Failed> {
    let run = run(&fixtures(), &fixtures().join(file), &[], env)?;
    expect_status(&run, 0)
}

fn main() {
    let args = Arguments::from_args();
    let mut trials = Vec::new();
    let suite = manifest().join("../filetests/wasi-threads-testsuite");
    let mut wats: Vec<PathBuf> = std::fs::read_dir(&suite)
        .unwrap_or_else(|e| panic!("{}: {e}", suite.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "wat"))
        .collect();
    wats.sort();
    for wat in wats {
        let name = wat.file_stem().unwrap().to_string_lossy().into_owned();
        trials
            .push(Trial::test(format!("wasi-threads::{name}"), move || wasi_threads_program(&wat)));
    }
    for &(name, status, stderr) in C_PROGRAMS {
        trials
            .push(Trial::test(format!("c::{name}"), move || c_program(name, status, stderr, &[])));
        trials.push(Trial::test(format!("c::{name}::gc-stress-1"), move || {
            c_program(name, status, stderr, GC_STRESS)
        }));
    }
    trials.push(Trial::test("wat::gc-threads", || wat_fixture("gc_threads.wat", &[])));
    trials.push(Trial::test("wat::gc-threads::gc-stress-1", || {
        wat_fixture("gc_threads.wat", GC_STRESS)
    }));
    trials.push(Trial::test("wat::ten-thousand-spawns-with-limit-64", || {
        wat_fixture("spawn_limit.wat", &[("WASMC_MAX_THREADS", "64")])
    }));
    for &(what, wat, message) in REFUSED {
        trials.push(Trial::test(format!("wat::refused::{what}"), move || refused(wat, message)));
    }
    model_check::trials(&mut trials);
    libtest_mimic::run(&args, trials).exit();
}
