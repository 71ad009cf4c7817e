//! The deterministic scheduler and the model checker (issue 29), as users run them:
//! `wasmc run --deterministic` / `--trace` / `--model-check` on the programs of
//! `tests/fixtures/model_check` (their README derives every expectation from the
//! programs' semantics).

use std::path::{Path, PathBuf};

use libtest_mimic::{Failed, Trial};
use wasmc_abi::mc::Report;

use super::{Run, build_c_in, expect_status, fixtures, manifest, run, run_with};

fn mc_fixtures() -> PathBuf {
    manifest().join("tests/fixtures/model_check")
}

/// A C program of `tests/fixtures/model_check`, built into `dir`.
fn build(name: &str, dir: &Path) -> Result<PathBuf, Failed> {
    build_c_in(&mc_fixtures(), name, dir)
}

/// `wasmc run --model-check FLAGS FILE -- ARGS` with a JSON report; the run and the
/// report. The search's status must be `status` (0: no failure, 1: failures).
fn model_check(
    dir: &Path,
    flags: &[&str],
    file: &Path,
    args: &[&str],
    status: i32,
) -> Result<(Run, Report), Failed> {
    let json = dir.join(format!("report-{}.json", fastrand::u64(..)));
    let json_arg = json.to_string_lossy().into_owned();
    let mut all = vec!["--model-check", "--report", &json_arg];
    all.extend_from_slice(flags);
    let run = run_with(dir, &all, file, args, &[])?;
    expect_status(&run, status)?;
    let report = Report::from_json(&std::fs::read(&json)?)?;
    Ok((run, report))
}

fn check(ok: bool, what: impl FnOnce() -> String) -> Result<(), Failed> {
    if ok { Ok(()) } else { Err(what().into()) }
}

/// The outcome whose stdout preview is `stdout`.
fn outcome<'a>(r: &'a Report, stdout: &str) -> Option<&'a wasmc_abi::mc::Outcome> {
    r.outcomes.iter().find(|o| o.stdout == stdout)
}

/// The lost update, with 2 increments per thread, explored to the end: the totals are
/// 4 (passes), 3 and 2 (exit 1: each thread's last store can overwrite all but one of the
/// other's increments, never its own), all found; the first failing trace, replayed,
/// prints a wrong total and exits 1.
fn racy_exhausted() -> Result<(), Failed> {
    let dir = tempfile::tempdir()?;
    let wasm = build("racy", dir.path())?;
    let (_, r) = model_check(dir.path(), &["--jobs", "2"], &wasm, &["2"], 1)?;
    check(r.exhausted && r.complete(), || format!("not exhausted: {}", r.render()))?;
    let totals: Vec<(&str, &str)> =
        r.outcomes.iter().map(|o| (o.status.as_str(), o.stdout.as_str())).collect();
    for want in
        [("exit 0", "counter = 4\\n"), ("exit 1", "counter = 3\\n"), ("exit 1", "counter = 2\\n")]
    {
        check(totals.contains(&want), || format!("no outcome {want:?}: {}", r.render()))?;
    }
    check(r.outcomes.len() == 3, || r.render())?;
    let f = r.failures.iter().find(|f| f.class == "exit status 1").ok_or_else(|| r.render())?;
    let replay = run_with(
        dir.path(),
        &["--trace", &f.first_trace, "--preemption-bound", "2"],
        &wasm,
        &["2"],
        &[],
    )?;
    expect_status(&replay, 1)?;
    check(replay.stdout == "counter = 3\n" || replay.stdout == "counter = 2\n", || {
        replay.stdout.clone()
    })?;
    check(r.render().contains(&format!("--trace '{}' --preemption-bound 2", f.first_trace)), || {
        r.render()
    })
}

/// The lost update with the default 10 increments: the search stops at the first failing
/// run, whose trace replays it.
fn racy_stop_on_failure() -> Result<(), Failed> {
    let dir = tempfile::tempdir()?;
    let wasm = build("racy", dir.path())?;
    let (_, r) = model_check(dir.path(), &["--stop-on-failure"], &wasm, &[], 1)?;
    check(r.failed_runs == 1 && r.stopped.as_deref() == Some("stop-on-failure"), || r.render())?;
    let trace = &r.failures[0].first_trace;
    let replay =
        run_with(dir.path(), &["--trace", trace, "--preemption-bound", "2"], &wasm, &[], &[])?;
    expect_status(&replay, 1)?;
    let o = r.outcomes.iter().find(|o| o.status == "exit 1").ok_or_else(|| r.render())?;
    check(o.stdout == replay.stdout.replace('\n', "\\n"), || {
        format!("{} vs {}", o.stdout, replay.stdout)
    })
}

/// The counter behind a mutex: every schedule within the bound gives 2 * 3.
fn locked() -> Result<(), Failed> {
    let dir = tempfile::tempdir()?;
    let wasm = build("locked", dir.path())?;
    let (_, r) = model_check(dir.path(), &["--jobs", "2"], &wasm, &[], 0)?;
    check(r.exhausted && r.failures.is_empty() && r.runs > 100, || r.render())?;
    check(r.outcomes.len() == 1 && r.outcomes[0].stdout == "counter = 6\\n", || r.render())
}

/// The lock-order deadlock: found, reported with what each thread waits on and its
/// backtrace (main in pthread_join, the two in pthread_mutex_lock from their functions);
/// its replay deadlocks the same way, with status 134.
fn deadlock() -> Result<(), Failed> {
    let dir = tempfile::tempdir()?;
    let wasm = build("deadlock", dir.path())?;
    let (run, r) = model_check(dir.path(), &[], &wasm, &[], 1)?;
    let f = r.failures.iter().find(|f| f.class == "deadlock").ok_or_else(|| r.render())?;
    check(r.exhausted, || r.render())?;
    for line in [
        "wasm deadlock: every thread is blocked and none has a timeout (3 threads)",
        "thread 0 (main): blocked in memory.atomic.wait32",
        "__pthread_join",
        "thread 1: blocked in memory.atomic.wait32",
        "thread 2: blocked in memory.atomic.wait32",
        "__pthread_mutex_lock",
        "forward",
        "backward",
    ] {
        check(f.stderr.contains(line), || format!("no `{line}` in:\n{}", f.stderr))?;
    }
    check(run.stdout.contains("- deadlock: ") && run.stdout.contains("| wasm backtrace:"), || {
        run.stdout.clone()
    })?;
    let replay = run_with(
        dir.path(),
        &["--trace", &f.first_trace, "--preemption-bound", "2"],
        &wasm,
        &[],
        &[],
    )?;
    expect_status(&replay, 134)?;
    check(replay.stderr == f.stderr, || {
        format!("replay:\n{}\nreport:\n{}", replay.stderr, f.stderr)
    })
}

/// model_checker_select: 4 runs, the 2 with equal choices fail.
fn select_race() -> Result<(), Failed> {
    let dir = tempfile::tempdir()?;
    let wasm = build("select_race", dir.path())?;
    let (_, r) = model_check(dir.path(), &["--preemption-bound", "0"], &wasm, &[], 1)?;
    check(r.runs == 4 && r.failed_runs == 2 && r.exhausted, || r.render())?;
    for want in ["choices 0 0\\n", "choices 1 1\\n"] {
        check(outcome(&r, want).is_some_and(|o| o.status == "exit 1"), || r.render())?;
    }
    // Outside the deterministic mode select returns 0: both choices 0, exit 1.
    let plain = run(dir.path(), &wasm, &[], &[])?;
    expect_status(&plain, 1)?;
    check(plain.stdout == "choices 0 0\n", || plain.stdout.clone())
}

/// `orders.wat` with K rmws per thread (the README derives the counts): the tree has
/// C(k+3, 2) * C(2k+5, k+1) leaves, each explored once, and the C(2k, k) orders of the
/// rmws are its distinct outcomes.
fn orders(k: u64) -> Result<(), Failed> {
    fn choose(n: u64, r: u64) -> u64 {
        (0..r).fold(1, |acc, i| acc * (n - i) / (i + 1))
    }
    let dir = tempfile::tempdir()?;
    let wat = std::fs::read_to_string(mc_fixtures().join("orders.wat"))?;
    let file = dir.path().join(format!("orders{k}.wat"));
    std::fs::write(&file, wat.replace("(i32.const 2)) ;; K", &format!("(i32.const {k})) ;; K")))?;
    let (_, r) = model_check(dir.path(), &["--preemption-bound", "none"], &file, &[], 0)?;
    let leaves = choose(k + 3, 2) * choose(2 * k + 5, k + 1);
    check(r.runs == leaves && r.exhausted, || {
        format!("{leaves} leaves expected:\n{}", r.render())
    })?;
    check(r.outcomes.len() as u64 == choose(2 * k, k), || r.render())?;
    let traces = r.traces.clone().unwrap_or_default();
    let mut distinct = traces.clone();
    distinct.dedup();
    check(distinct.len() as u64 == leaves, || "a trace explored twice".into())
}

/// Virtual time: the timed wait times out at its deadline, the sleeper wakes at 1 s;
/// deterministically and in every schedule.
fn timedwait() -> Result<(), Failed> {
    let dir = tempfile::tempdir()?;
    let wasm = build("timedwait", dir.path())?;
    let expected = "sleeper woke at 1.0 s\ntimedwait: ETIMEDOUT at 2.0 s\n";
    let det = run_with(dir.path(), &["--deterministic"], &wasm, &[], &[])?;
    expect_status(&det, 0)?;
    check(det.stdout == expected, || det.stdout.clone())?;
    let (_, r) = model_check(dir.path(), &[], &wasm, &[], 0)?;
    check(r.exhausted && r.outcomes.len() == 1, || r.render())?;
    check(r.outcomes[0].stdout == expected.replace('\n', "\\n"), || r.render())
}

/// A trap in a spawned thread fails every run, with the thread's trap and backtrace.
fn trap_in_thread() -> Result<(), Failed> {
    let dir = tempfile::tempdir()?;
    let wasm = super::build_c("trap_thread", dir.path())?;
    let (_, r) = model_check(dir.path(), &[], &wasm, &[], 1)?;
    check(r.failures.len() == 1 && r.failed_runs == r.runs && r.exhausted, || r.render())?;
    let f = &r.failures[0];
    check(f.class == "trap: unreachable", || r.render())?;
    for line in ["thread 1: wasm trap: unreachable", "0: crash_here", "wasi_thread_start"] {
        check(f.stderr.contains(line), || format!("no `{line}` in:\n{}", f.stderr))?;
    }
    Ok(())
}

/// `scripts/model-check-shards.sh` with 2 shards: their runs are the unsharded search's
/// runs, each once, and the merged report is the unsharded one's (but for timings).
fn shards() -> Result<(), Failed> {
    let dir = tempfile::tempdir()?;
    let file = mc_fixtures().join("orders.wat");
    let (_, whole) = model_check(dir.path(), &["--preemption-bound", "none"], &file, &[], 0)?;
    let script = manifest().join("../scripts/model-check-shards.sh");
    let out = std::process::Command::new("bash")
        .arg(&script)
        .arg("2")
        .arg(dir.path().join("shards"))
        .arg(super::wasmc())
        .args(["--preemption-bound", "none"])
        .arg(&file)
        .env("WASMC_CACHE_DIR", super::test_cache_dir())
        .output()?;
    check(out.status.success(), || String::from_utf8_lossy(&out.stderr).into_owned())?;
    let merged = Report::from_json(&std::fs::read(dir.path().join("shards/merged.json"))?)?;
    for i in 0..2 {
        let part =
            Report::from_json(&std::fs::read(dir.path().join(format!("shards/shard-{i}.json")))?)?;
        check(part.runs > 0 && part.runs < whole.runs, || part.render())?;
    }
    check(merged.traces == whole.traces && merged.traces.is_some(), || {
        "the shards' runs differ".into()
    })?;
    check(merged.outcomes == whole.outcomes && merged.exhausted && merged.complete(), || {
        merged.render()
    })
}

/// The lost update with seeded random schedules: found by at least 90 of 100 seeds;
/// PCT at depth 1 never preempts, so never finds it; at depth 2 (one change point, drawn
/// among the 64 first points) it does for some seeds (its guarantee: at least 1 in
/// n * k = 3 * 64 runs).
fn policies() -> Result<(), Failed> {
    let dir = tempfile::tempdir()?;
    let wasm = build("racy", dir.path())?;
    let exe = dir.path().join("racy");
    super::common::wasmc_ok(dir.path(), &[wasm.to_str().unwrap(), "-o", exe.to_str().unwrap()]);
    let found = |env: &[(&str, &str)]| -> Result<usize, Failed> {
        let mut n = 0;
        for seed in 0..100 {
            let out = std::process::Command::new(&exe)
                .env("WASMC_DETERMINISTIC", "1")
                .env("WASMC_SCHED_SEED", seed.to_string())
                .envs(env.iter().copied())
                .output()?;
            n += usize::from(out.status.code() == Some(1));
        }
        Ok(n)
    };
    let random = found(&[("WASMC_SCHED", "random")])?;
    check(random >= 90, || format!("random found the lost update with {random} of 100 seeds"))?;
    let pct1 = found(&[("WASMC_SCHED", "pct"), ("WASMC_SCHED_DEPTH", "1")])?;
    check(pct1 == 0, || format!("PCT at depth 1 preempted ({pct1} of 100 seeds)"))?;
    let pct2 =
        found(&[("WASMC_SCHED", "pct"), ("WASMC_SCHED_DEPTH", "2"), ("WASMC_SCHED_STEPS", "64")])?;
    check(pct2 >= 3, || format!("PCT at depth 2 found the lost update with {pct2} of 100 seeds"))
}

/// 100 runs of one seed: byte-identical stdout, stderr and status, and the same
/// collections (WASMC_GC_TRACE without its timings) of a GC-allocating threaded program.
fn same_seed_same_run() -> Result<(), Failed> {
    let dir = tempfile::tempdir()?;
    let wasm = build("racy", dir.path())?;
    let exe = dir.path().join("racy");
    super::common::wasmc_ok(dir.path(), &[wasm.to_str().unwrap(), "-o", exe.to_str().unwrap()]);
    let gc = fixtures().join("gc_threads.wat");
    let gc_exe = dir.path().join("gc_threads");
    super::common::wasmc_ok(dir.path(), &[gc.to_str().unwrap(), "-o", gc_exe.to_str().unwrap()]);
    for (exe, env, runs) in [
        (&exe, &[("WASMC_SCHED_SEED", "7")][..], 100),
        (
            &gc_exe,
            &[("WASMC_SCHED_SEED", "3"), ("WASMC_GC_TRACE", "1"), ("WASMC_GC_STRESS", "50")][..],
            20,
        ),
    ] {
        let mut first = None;
        for _ in 0..runs {
            let out = std::process::Command::new(exe)
                .env("WASMC_DETERMINISTIC", "1")
                .envs(env.iter().copied())
                .output()?;
            // Collection times are real time (`3.7µs,`); everything else is fixed.
            let duration = |w: &&str| {
                let w = w.trim_end_matches(',');
                ["ns", "µs", "ms", "s"].iter().any(|u| {
                    w.strip_suffix(u).is_some_and(|n| !n.is_empty() && n.parse::<f64>().is_ok())
                })
            };
            let stderr: String = String::from_utf8_lossy(&out.stderr)
                .lines()
                .map(|l| {
                    let words: Vec<&str> = l.split(' ').filter(|w| !duration(w)).collect();
                    words.join(" ") + "\n"
                })
                .collect();
            let this = (out.status.code(), out.stdout, stderr);
            match &first {
                None => first = Some(this),
                Some(f) => check(*f == this, || format!("{} differs between runs", exe.display()))?,
            }
        }
        if exe == &gc_exe {
            let (_, _, stderr) = first.as_ref().unwrap();
            check(stderr.lines().filter(|l| l.starts_with("gc: ")).count() > 50, || {
                stderr.clone()
            })?;
        }
    }
    Ok(())
}

/// A GC program under the model checker and the collector's stress knobs: every run
/// passes. (A run collects at every allocation: about 4 s under the semispace collector
/// on a busy machine, so the run timeout is raised and the runs are few.)
fn gc_program() -> Result<(), Failed> {
    let dir = tempfile::tempdir()?;
    let file = fixtures().join("gc_threads.wat");
    let json = dir.path().join("r.json");
    let run = run_with(
        dir.path(),
        &[
            "--model-check",
            "--max-runs",
            "10",
            "--run-timeout",
            "300",
            "--report",
            json.to_str().unwrap(),
        ],
        &file,
        &[],
        super::GC_STRESS,
    )?;
    expect_status(&run, 0)?;
    let r = Report::from_json(&std::fs::read(&json)?)?;
    check(r.runs == 10 && r.failures.is_empty(), || r.render())
}

/// A run past `--run-timeout` fails as a livelock (the spin loop of `spin.wat` on its
/// first, preemption-free schedule); its choices outgrew the log, so the tree is not
/// exhausted.
fn run_timeout() -> Result<(), Failed> {
    let dir = tempfile::tempdir()?;
    let file = mc_fixtures().join("spin.wat");
    let flags = ["--run-timeout", "0.5", "--max-runs", "1"];
    let (_, r) = model_check(dir.path(), &flags, &file, &[], 1)?;
    check(r.runs == 1 && !r.exhausted, || r.render())?;
    check(r.failures.len() == 1 && r.failures[0].class.starts_with("timeout"), || r.render())
}

/// `exit(7)` from a thread fails as `exit status 7`, and passes with `--expect-status 7`.
fn expect_status_flag() -> Result<(), Failed> {
    let dir = tempfile::tempdir()?;
    let wasm = super::build_c("exit_thread", dir.path())?;
    let (_, r) = model_check(dir.path(), &[], &wasm, &[], 1)?;
    check(r.failures.len() == 1 && r.failures[0].class == "exit status 7", || r.render())?;
    let (_, r) = model_check(dir.path(), &["--expect-status", "7"], &wasm, &[], 0)?;
    check(r.failures.is_empty() && r.exhausted, || r.render())
}

/// Adds the `mc::*` trials.
pub(super) fn trials(trials: &mut Vec<Trial>) {
    type Test = fn() -> Result<(), Failed>;
    let tests: [(&str, Test); 14] = [
        ("run-timeout", run_timeout),
        ("expect-status", expect_status_flag),
        ("racy-exhausted", racy_exhausted),
        ("racy-stop-on-failure", racy_stop_on_failure),
        ("locked", locked),
        ("deadlock", deadlock),
        ("select-race", select_race),
        ("timedwait", timedwait),
        ("trap-in-thread", trap_in_thread),
        ("shards", shards),
        ("policies", policies),
        ("same-seed-same-run", same_seed_same_run),
        ("gc-program", gc_program),
        ("orders-k1", || orders(1)),
    ];
    for (name, f) in tests {
        trials.push(Trial::test(format!("mc::{name}"), f));
    }
    trials.push(Trial::test("mc::orders-k2", || orders(2)));
    trials.push(Trial::test("mc::orders-k3", || orders(3)));
}
