//! End-to-end tests: every program in `../shared/programs/{c-wasi,c-wasi-threads,
//! kotlin-wasi-noeh,kotlin-wasi,moonbit-wasmgc}` is compiled with `wasmc`, run as its `run.txt` says (in a copy of its
//! folder), and its stdout and exit status are compared with `expected.stdout` /
//! `expected.status`. The Wasm GC programs and the threaded C programs run a second time under the collector's stress
//! knobs (see [`GC_STRESS`]). Fixtures in `tests/fixtures` check traps: message, backtrace,
//! exit status.

mod common;

use std::path::Path;
use std::process::Output;

use common::{copy_dir, programs_dir, run_wasmc};
use libtest_mimic::{Arguments, Failed, Trial};

/// Every GC program runs once more under `WASMC_GC_STRESS=1` (a collection at every
/// allocation: a minor one under the generational collector, a major one whenever the
/// bytes allocated since the last reach its live bytes), `WASMC_GC_POISON=1` (evacuated memory poisoned and protected)
/// and `WASMC_GC_VERIFY=1` (heap verified around every collection, amortised).
///
/// The programs listed here allocate millions of objects, so their `N = 1` run takes minutes
/// on a 2-core machine (issue 12 measured them: see docs/architecture.md; Kotlin
/// binarytrees, 15 M collections, 714 s): it is an on-demand trial (`cargo nextest run --release -p wasmc
/// --test programs --run-ignored ignored-only`), and the test command runs them at the
/// interval given instead (the intervals are primes, so collections fall on ever different
/// allocation sites).
const SLOW_AT_N1: &[(&str, u32)] = &[
    ("kotlin-wasi/binarytrees", 997),
    ("kotlin-wasi/collections", 31),
    ("kotlin-wasi-noeh/binarytrees", 997),
    ("kotlin-wasi-noeh/collections", 31),
    ("moonbit-wasmgc/binarytrees", 997),
    ("moonbit-wasmgc/interpreter", 7),
];

/// [`SLOW_AT_N1`] under `WASMC_GC=semispace`, whose every collection copies the whole live
/// heap: the intervals that keep each run near half a minute (from before issue 12).
const SLOW_AT_N1_SEMISPACE: &[(&str, u32)] = &[
    ("kotlin-wasi/binarytrees", 20011),
    ("kotlin-wasi/collections", 101),
    ("kotlin-wasi-noeh/binarytrees", 20011),
    ("kotlin-wasi-noeh/collections", 101),
    ("moonbit-wasmgc/avltree", 1009),
    ("moonbit-wasmgc/binarytrees", 80021),
    ("moonbit-wasmgc/interpreter", 11),
];

/// A stress run of a GC program at interval `n` (see [`SLOW_AT_N1`]).
fn stress_trial(program: &str, dir: std::path::PathBuf, n: u32) -> Trial {
    Trial::test(format!("{}::gc-stress-{n}", program.replace('/', "::")), move || {
        let n = n.to_string();
        let env =
            [("WASMC_GC_STRESS", n.as_str()), ("WASMC_GC_POISON", "1"), ("WASMC_GC_VERIFY", "1")];
        run_program(&dir, &env)
    })
}

/// Runs one program folder as its `run.txt` says, with `env` added.
fn run_program(dir: &Path, env: &[(&str, &str)]) -> Result<(), Failed> {
    let run = std::fs::read_to_string(dir.join("run.txt"))?;
    let line = run.lines().next().ok_or("empty run.txt")?;
    let mut words: Vec<String> = line.split_whitespace().map(String::from).collect();
    if words.first().map(String::as_str) != Some("wasmc") {
        return Err(format!("run.txt does not start with `wasmc`: {line}").into());
    }
    words.remove(0);
    let work = tempfile::tempdir()?;
    copy_dir(dir, work.path())?;
    let out = run_wasmc(work.path(), &words, env);
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
    expect_trap(&run_wasmc(&fixtures, &["run".into(), file.into()], &[]), expect)
}

/// Runs `wasmc run [flags] --invoke EXPORT tests/fixtures/FILE -- PARAMS` with `env`.
fn invoke(
    flags: &[&str],
    file: &str,
    export: &str,
    params: &[&str],
    env: &[(&str, &str)],
) -> Output {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut args: Vec<String> = vec!["run".into()];
    args.extend(flags.iter().map(|s| s.to_string()));
    args.extend(["--invoke", export, file, "--"].map(String::from));
    args.extend(params.iter().map(|s| s.to_string()));
    run_wasmc(&fixtures, &args, env)
}

/// Succeeds if `out` is a successful run that printed `expected` (one result line).
fn expect_result(out: &Output, expected: &str) -> Result<(), Failed> {
    let stdout = String::from_utf8_lossy(&out.stdout);
    if out.status.success() && stdout.trim() == expected {
        return Ok(());
    }
    Err(format!(
        "status {:?}, stdout `{}` (expected `{expected}`)\n{}",
        out.status.code(),
        stdout.trim(),
        String::from_utf8_lossy(&out.stderr)
    )
    .into())
}

/// Succeeds if `out` is the exit status 134 of a trap whose stderr has every `expected` line.
fn expect_trap(out: &Output, expected: &[&str]) -> Result<(), Failed> {
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.code() == Some(134) && expected.iter().all(|e| stderr.contains(e)) {
        return Ok(());
    }
    Err(format!(
        "status {:?}, expected 134 with {expected:?}; stderr:\n{stderr}",
        out.status.code()
    )
    .into())
}

/// Builds a 10,000,000-cell linked list of structs with a garbage allocation after each
/// cell, so the collector copies the growing list many times (and once at the end, with
/// Cheney's iterative scan over a 10-million-long chain), then checks every cell.
fn long_linked_list() -> Result<(), Failed> {
    let out = invoke(&[], "linked_list.wat", "run", &["10000000"], &[("WASMC_GC_STATS", "1")]);
    expect_result(&out, "0")?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    // `gc: <collector>: N collections (...)`
    let collections: u64 = stderr
        .split(" collections")
        .next()
        .and_then(|s| s.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| format!("no GC statistics in stderr:\n{stderr}"))?;
    if collections < 3 {
        return Err(format!("only {collections} collections:\n{stderr}").into());
    }
    Ok(())
}

/// The same list in a heap capped at 4 MiB: allocation fails at the maximum, which is the
/// trap "out of memory" (exit status 134), not an abort.
fn heap_exhaustion_traps() -> Result<(), Failed> {
    let out = invoke(&[], "linked_list.wat", "run", &["10000000"], &[("WASMC_GC_HEAP", "1M:4M")]);
    expect_trap(&out, &["wasm trap: out of memory"])
}

/// Poisoning catches a stale reference at once: the #13228 pattern compiled with alias
/// resolution switched off faults on the moved object's old address under stress, and the
/// runtime reports the fault with a backtrace (status 134) instead of crashing; compiled
/// normally the same program returns 5.
fn poison_catches_stale_reference() -> Result<(), Failed> {
    let env = [("WASMC_GC_STRESS", "1"), ("WASMC_GC_POISON", "1")];
    expect_result(&invoke(&[], "alias_after_safepoint.wat", "run", &[], &env), "5")?;
    let bad =
        invoke(&["--debug-no-alias-resolution"], "alias_after_safepoint.wat", "run", &[], &env);
    expect_trap(&bad, &["wasm trap: internal error: SIGSEGV", "0: f"])
}

/// The planted missing barrier (issue 12): with every write barrier dropped at compile
/// time, the generational collector's verifier reports the old-to-young field that is not in
/// the remembered set; compiled normally the program returns 42, under the generational and
/// the semispace collector.
fn verifier_catches_a_missing_barrier() -> Result<(), Failed> {
    let env = [
        ("WASMC_GC", "generational"),
        ("WASMC_GC_STRESS", "1"),
        ("WASMC_GC_POISON", "1"),
        ("WASMC_GC_VERIFY", "1"),
    ];
    expect_result(&invoke(&[], "missing_barrier.wat", "run", &[], &env), "42")?;
    let semi = [&env[1..], &[("WASMC_GC", "semispace")]].concat();
    expect_result(&invoke(&[], "missing_barrier.wat", "run", &[], &semi), "42")?;
    let bad = invoke(&["--debug-drop-write-barriers"], "missing_barrier.wat", "run", &[], &env);
    let stderr = String::from_utf8_lossy(&bad.stderr);
    if bad.status.success()
        || !stderr.contains("not in the remembered set (a missing write barrier)")
    {
        return Err(format!("status {:?}; stderr:\n{stderr}", bad.status.code()).into());
    }
    Ok(())
}

/// Tail recursion 100,000,000 deep through `return_call`, `return_call_indirect` and
/// `return_call_ref` (the last under GC stress) in a 128 KiB Wasm stack: constant stack.
fn tail_calls_run_in_constant_stack() -> Result<(), Failed> {
    let cases: [(&str, &[&str], &str); 3] = [
        ("sum", &["100000000", "0"], "5000000050000000"),
        ("parity", &["100000001"], "1"),
        ("walk", &["100000000"], "100000000"),
    ];
    let env = [("WASMC_STACK_SIZE", "131072"), ("WASMC_GC_STRESS", "7"), ("WASMC_GC_POISON", "1")];
    for (export, params, expected) in cases {
        expect_result(&invoke(&[], "tail_calls.wat", export, params, &env), expected)
            .map_err(|e| format!("{export}: {}", e.message().unwrap_or_default()))?;
    }
    Ok(())
}

/// An exception thrown through 10,000 frames that hold GC references, with a collection at
/// every allocation (including the ones in each frame's handler and the one before the
/// throw) and from-space poisoning; the bottom frame checks every cell (see the fixture).
fn throw_through_ten_thousand_frames() -> Result<(), Failed> {
    let env = [("WASMC_GC_STRESS", "1"), ("WASMC_GC_POISON", "1")];
    expect_result(&invoke(&[], "throw_deep.wat", "run", &["10000"], &env), "10001")
}

/// An exception that leaves Wasm: `wasm exception: uncaught` with the tag's export name and
/// a backtrace naming the throwing function, exit status 134.
fn uncaught_exception_is_reported() -> Result<(), Failed> {
    let out = invoke(&[], "throw_deep.wat", "escape", &[], &[]);
    expect_trap(&out, &["wasm exception: uncaught (tag `found`)", "wasm backtrace:", "0: thrower"])
}

/// `WASMC_DETERMINISTIC=1`: the clock and the random bytes are the same in two runs (and
/// differ from a normal run's).
fn deterministic_mode_replays() -> Result<(), Failed> {
    let run = |env: &[(&str, &str)]| {
        let out = invoke(&[], "deterministic.wat", "run", &[], env);
        (out.status.success(), String::from_utf8_lossy(&out.stdout).to_string())
    };
    let (a, b) = (run(&[("WASMC_DETERMINISTIC", "1")]), run(&[("WASMC_DETERMINISTIC", "1")]));
    let c = run(&[]);
    if !a.0 || a != b || c.1 == a.1 {
        return Err(format!("deterministic runs {a:?} {b:?}, normal run {c:?}").into());
    }
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let mut trials = Vec::new();
    for suite in ["c-wasi", "c-wasi-threads", "kotlin-wasi-noeh", "kotlin-wasi", "moonbit-wasmgc"] {
        let root = programs_dir().join(suite);
        let mut dirs: Vec<_> = std::fs::read_dir(&root)
            .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
            .flatten()
            .filter(|e| e.path().join("run.txt").is_file())
            .map(|e| e.path())
            .collect();
        dirs.sort();
        for dir in dirs {
            let program = format!("{suite}/{}", dir.file_name().unwrap().to_string_lossy());
            let plain = dir.clone();
            trials.push(Trial::test(program.replace('/', "::"), move || run_program(&plain, &[])));
            // The threaded C programs run under stress too (issue 28): their threads' stores
            // and the collector's knobs must not interfere, though they allocate no GC
            // objects.
            if suite != "c-wasi" {
                let semispace = std::env::var("WASMC_GC").is_ok_and(|v| v == "semispace");
                let slow = if semispace { SLOW_AT_N1_SEMISPACE } else { SLOW_AT_N1 };
                match slow.iter().find(|(p, _)| *p == program) {
                    Some(&(_, n)) => {
                        trials.push(stress_trial(&program, dir.clone(), n));
                        trials.push(stress_trial(&program, dir, 1).with_ignored_flag(true));
                    }
                    None => trials.push(stress_trial(&program, dir, 1)),
                }
            }
        }
    }
    trials.push(Trial::test("gc::linked-list-10-million", long_linked_list));
    trials.push(Trial::test("gc::heap-exhaustion-traps", heap_exhaustion_traps));
    trials.push(Trial::test("gc::poison-catches-stale-reference", poison_catches_stale_reference));
    trials.push(Trial::test(
        "gc::verifier-catches-a-missing-barrier",
        verifier_catches_a_missing_barrier,
    ));
    trials.push(Trial::test(
        "tail-calls::constant-stack-100-million",
        tail_calls_run_in_constant_stack,
    ));
    trials.push(Trial::test("eh::throw-through-10000-frames", throw_through_ten_thousand_frames));
    trials.push(Trial::test("eh::uncaught-exception", uncaught_exception_is_reported));
    trials.push(Trial::test("runtime::deterministic-mode", deterministic_mode_replays));
    for (file, expect) in TRAP_FIXTURES {
        trials.push(Trial::test(format!("trap::{file}"), move || run_trap_fixture(file, expect)));
    }
    libtest_mimic::run(&args, trials).exit();
}
