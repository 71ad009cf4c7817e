//! Self-tests of the spec runner (`wasmc-wast`) on the scripts in `tests/wast/`: every
//! assertion of `must-fail.wast` is wrong and must count as a failure, every directive of
//! `must-pass.wast` is right and must pass. Each script runs as the spec suite does, in a
//! `wasmc-wast --one` child process.

use std::path::Path;
use std::process::Command;

/// `(passed, failed, skipped)` and the `FAIL` lines of one script.
fn run(script: &str) -> ((usize, usize, usize), Vec<String>) {
    run_with(script, &[])
}

/// As [`run`], with extra environment variables.
fn run_with(script: &str, env: &[(&str, &str)]) -> ((usize, usize, usize), Vec<String>) {
    let suite = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/wast");
    let out = Command::new(env!("CARGO_BIN_EXE_wasmc-wast"))
        .envs(env.iter().copied())
        .arg("--one")
        .arg("--suite")
        .arg(&suite)
        .arg(script)
        .output()
        .expect("run wasmc-wast");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let result = stdout.lines().find_map(|l| l.strip_prefix("RESULT ")).unwrap_or_else(|| {
        panic!("no result ({}):\n{stdout}\n{}", out.status, String::from_utf8_lossy(&out.stderr))
    });
    let n: Vec<usize> = result.split(' ').map(|x| x.parse().expect("a count")).collect();
    let fails = stdout.lines().filter_map(|l| l.strip_prefix("FAIL ")).map(String::from).collect();
    ((n[0], n[1], n[2]), fails)
}

/// The line of a `FAIL file:line: ...` entry.
fn line(failure: &str) -> usize {
    let rest = failure.split_once(':').expect("file:line").1;
    rest.split_once(':').expect("line:").0.parse().expect("a line number")
}

#[test]
fn every_wrong_assertion_fails() {
    let (counts, fails) = run("must-fail.wast");
    let lines: Vec<usize> = fails.iter().map(|f| line(f)).collect();
    let expected = [10, 12, 14, 16, 17, 19, 20, 21, 22, 23, 25, 27, 28, 30, 31, 33, 34, 36];
    assert_eq!(lines, expected, "{fails:#?}");
    assert_eq!(counts, (1, expected.len(), 0), "only the module passes");
    let at = |l: usize| fails.iter().find(|f| line(f) == l).unwrap().as_str();
    assert!(at(10).contains("it validated"), "{}", at(10));
    assert!(at(12).contains("it is malformed"), "{}", at(12));
    assert!(at(14).contains("cannot encode its text"), "{}", at(14));
    assert!(at(17).contains("it decodes (and fails validation"), "{}", at(17));
    assert!(at(21).contains("got: trap `integer divide by zero`"), "{}", at(21));
}

#[test]
fn right_assertions_pass() {
    let (counts, fails) = run("must-pass.wast");
    assert_eq!(fails, Vec::<String>::new());
    assert_eq!(counts, (25, 0, 0), "every directive of the script passes");
}

/// `v128` fields, elements and exception payloads survive collections (issue 15): plain,
/// then collecting at every allocation with from-space poisoned and the heap verified, with
/// both collectors.
#[test]
fn v128_in_gc_objects_survives_collections() {
    passes_plain_and_stressed("gc-v128.wast", 4);
}

/// Runs `file` plainly, then collecting at every allocation with from-space poisoned and
/// the heap verified under both collectors: `passed` directives pass each time, none fails
/// or is skipped.
fn passes_plain_and_stressed(file: &str, passed: usize) {
    let want = ((passed, 0, 0), vec![]);
    assert_eq!(run(file), want);
    for gc in ["generational", "semispace"] {
        let stress = [
            ("WASMC_GC", gc),
            ("WASMC_GC_STRESS", "1"),
            ("WASMC_GC_POISON", "1"),
            ("WASMC_GC_VERIFY", "1"),
        ];
        assert_eq!(run_with(file, &stress), want, "{gc}");
    }
}

/// Atomic accesses of every kind out of bounds trap, alignment is checked before bounds,
/// and wait/notify check both (threads proposal), with both collectors.
#[test]
fn atomics_trap_out_of_bounds_and_unaligned() {
    for gc in ["generational", "semispace"] {
        assert_eq!(run_with("atomics-traps.wast", &[("WASMC_GC", gc)]), ((26, 0, 0), vec![]));
    }
}

/// `thread` blocks whose stores allocate and collect on their own OS threads, sharing one
/// memory: plainly, then collecting at every allocation with poisoning and verification,
/// with both collectors. 12 directives: the module, two threads (each counted, with their
/// register, module and assertion), two waits and the final assertion.
#[test]
fn threads_each_collect_their_own_heap() {
    passes_plain_and_stressed("threads-gc.wast", 12);
}
