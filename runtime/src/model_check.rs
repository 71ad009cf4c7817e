//! The model checker (issue 29): `WASMC_MODEL_CHECK=1` (`wasmc run --model-check`) runs
//! the program again and again under the deterministic scheduler until every sequence of
//! choices within the preemption bound has been explored, and reports what the runs did.
//!
//! # Search
//! The tree of choices (see [`crate::sched`]) is explored depth first and statelessly:
//! each run replays a prefix of choices and takes option 0 after it; the choice log tells
//! the arity of every choice the run made, and the next prefix is the run's choices up to
//! the deepest choice `j` that has an untried option, with choice `j` one higher (an
//! odometer over the tree). Runs therefore come in the lexicographic order of their
//! choices, each leaf once; a replayed prefix that makes other choices than asked is
//! nondeterminism the search cannot handle, and stops it.
//!
//! # Runs
//! Every run is a child process forked from a snapshot: the module is compiled once and
//! instantiated once, in the parent, before `_start`; the child installs the scheduler
//! with the prefix to replay, calls `_start` and ends with
//! [`exit_process`](crate::exit::exit_process). Its stdout and stderr go to memory files
//! the parent reads after the child ends, its stdin is `/dev/null`, and its choices go to
//! a [`ChoiceLog`] in memory the two processes share, so the record survives however the
//! child ends. A run fails on a trap in any thread, an exit status other than
//! `WASMC_MC_EXPECT_STATUS`, a signal (an abort of the runtime), a deadlock, or a run
//! longer than `WASMC_MC_RUN_TIMEOUT` (a livelock; the child's interval timer kills it).
//!
//! # Shards and jobs
//! `WASMC_MC_SHARD=I/N` explores a deterministic part of the tree. A leaf's *split node*
//! is its ancestor at the first depth where the product of the arities above reaches
//! [`SPLIT_FANOUT`] times N (the leaf itself if it is shallower); the split nodes
//! partition the leaves, and a hash of the split node's choices modulo N names the shard
//! that owns its subtree. A shard that reaches a leaf of another's subtree does not count
//! it and backtracks above the split node, so the runs of shards 0..N are the runs of the
//! whole search, each once. `WASMC_MC_JOBS=J` splits a shard the same way, one level
//! deeper (the product reaching [`SPLIT_FANOUT`]·N·J), among J worker processes whose
//! reports are merged; the shards' split does not depend on J.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use wasmc_abi::mc::{Report, fnv1a, format_trace};

use crate::config::{DEFAULT_PREEMPTION_BOUND, RuntimeConfig};
use crate::sched::ChoiceLog;

/// How many split nodes per part the split level aims at (see the module docs).
pub const SPLIT_FANOUT: u128 = 16;

/// Choices a run's log holds (8 bytes each; pages of the shared mapping are touched only
/// as far as a run gets).
const LOG_CAPACITY: usize = 1 << 20;

/// Bytes of a failing run's stderr the report keeps.
const STDERR_KEPT: usize = 16 << 10;

/// The status of a model-checking search that found failing runs.
pub const FAILURES_FOUND_STATUS: i32 = 1;

/// What a forked run does: install the scheduler replaying `prefix` with the given log,
/// call the program's entry point, and return its exit status (the child then ends with
/// it).
pub type RunBody<'a> = dyn FnMut(Vec<u32>, Option<u32>, ChoiceLog) -> i32 + 'a;

/// Memory shared by the search's processes: the run counter for `WASMC_MC_MAX_RUNS`, the
/// stop flag, and one choice log per job.
struct Shared {
    base: *mut u64,
    bytes: usize,
    jobs: usize,
}

impl Shared {
    const HEADER_WORDS: usize = 2;

    fn new(jobs: usize) -> Result<Shared, String> {
        let words = Shared::HEADER_WORDS + jobs * (ChoiceLog::HEADER + LOG_CAPACITY);
        let bytes = words * 8;
        // SAFETY: a fresh anonymous mapping; no existing memory is affected.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                bytes,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return Err(format!(
                "the model checker cannot map {bytes} bytes of shared memory: {}",
                std::io::Error::last_os_error()
            ));
        }
        Ok(Shared { base: p.cast(), bytes, jobs })
    }

    fn counter(&self, i: usize) -> &AtomicU64 {
        // SAFETY: the header words are in the mapping, aligned, and only ever accessed
        // atomically (by every process of the search).
        unsafe { AtomicU64::from_ptr(self.base.add(i)) }
    }

    fn runs_started(&self) -> &AtomicU64 {
        self.counter(0)
    }

    fn stop(&self) -> &AtomicU64 {
        self.counter(1)
    }

    /// Job `w`'s log words.
    fn log_words(&self, w: usize) -> *mut u64 {
        debug_assert!(w < self.jobs);
        // SAFETY: `w < jobs`, so job `w`'s region is inside the mapping.
        unsafe { self.base.add(Shared::HEADER_WORDS + w * (ChoiceLog::HEADER + LOG_CAPACITY)) }
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        // SAFETY: the mapping was made by `new` and nothing refers to it any more.
        unsafe { libc::munmap(self.base.cast(), self.bytes) };
    }
}

/// A run as its choice log recorded it.
struct Recorded {
    /// `(chosen, arity)` per choice.
    choices: Vec<(u32, u32)>,
    flags: u64,
}

/// Reads the log at `words` after the run that wrote it ended.
///
/// # Safety
/// `words` is a job's log region of [`Shared`] and no process writes it meanwhile.
unsafe fn read_log(words: *const u64) -> Recorded {
    // SAFETY: the header and the first `n <= LOG_CAPACITY` entries are in the region.
    unsafe {
        let n = (*words as usize).min(LOG_CAPACITY);
        let flags = *words.add(1);
        let entries = std::slice::from_raw_parts(words.add(ChoiceLog::HEADER), n);
        let choices = entries.iter().map(|e| (*e as u32, (*e >> 32) as u32)).collect();
        Recorded { choices, flags }
    }
}

/// The next prefix after a run with `choices`, backtracking only at depths below `limit`:
/// the choices up to the deepest one with an untried option, that one incremented; `None`
/// when there is none (the subtree is exhausted).
fn next_prefix(choices: &[(u32, u32)], limit: usize) -> Option<Vec<u32>> {
    let limit = limit.min(choices.len());
    let j = (0..limit).rev().find(|&j| choices[j].0 + 1 < choices[j].1)?;
    let mut p: Vec<u32> = choices[..j].iter().map(|c| c.0).collect();
    p.push(choices[j].0 + 1);
    Some(p)
}

/// The split node of a run for `parts` parts: its depth and a hash of its choices (see the
/// module docs); `salt` separates the shard split from the job split.
fn split(choices: &[(u32, u32)], parts: u128, salt: u64) -> (usize, u64) {
    let mut product: u128 = 1;
    let mut depth = choices.len();
    for (i, c) in choices.iter().enumerate() {
        if product >= SPLIT_FANOUT * parts {
            depth = i;
            break;
        }
        product = product.saturating_mul(u128::from(c.1));
    }
    let mut bytes = salt.to_le_bytes().to_vec();
    for c in &choices[..depth] {
        bytes.extend_from_slice(&c.0.to_le_bytes());
    }
    (depth, fnv1a(&bytes))
}

/// A memory file (`memfd_create`) for a run's output.
fn memfd(name: &std::ffi::CStr) -> Result<File, String> {
    // SAFETY: `name` is NUL-terminated; the result is checked.
    let fd = unsafe { libc::memfd_create(name.as_ptr(), libc::MFD_CLOEXEC) };
    if fd < 0 {
        return Err(format!("memfd_create: {}", std::io::Error::last_os_error()));
    }
    // SAFETY: `fd` is a new descriptor that nothing else owns.
    Ok(File::from(unsafe { OwnedFd::from_raw_fd(fd) }))
}

/// Empties a memory file and rewinds it (the child's descriptors share its offset).
fn reset(f: &mut File) -> Result<(), String> {
    f.set_len(0).and_then(|()| f.seek(SeekFrom::Start(0)).map(drop)).map_err(|e| e.to_string())
}

/// Reads at most `max` bytes of `f` from its start.
fn read_start(f: &mut File, max: usize) -> Vec<u8> {
    let mut out = Vec::new();
    if f.seek(SeekFrom::Start(0)).is_ok() {
        let _ = f.take(max as u64).read_to_end(&mut out);
    }
    out
}

/// The FNV-1a hash of the whole of `f`.
fn hash_file(f: &mut File) -> u64 {
    let mut all = Vec::new();
    if f.seek(SeekFrom::Start(0)).is_ok() {
        let _ = f.read_to_end(&mut all);
    }
    fnv1a(&all)
}

/// `bytes` as one printable line: `\n`, `\t`, `\\` and other control or non-UTF-8 bytes
/// escaped.
fn one_line(bytes: &[u8]) -> String {
    let mut s = String::new();
    for c in String::from_utf8_lossy(bytes).chars() {
        match c {
            '\n' => s.push_str("\\n"),
            '\t' => s.push_str("\\t"),
            '\\' => s.push_str("\\\\"),
            '"' => s.push_str("\\\""),
            c if c.is_control() => s.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => s.push(c),
        }
    }
    s
}

/// The search's settings, the same in every job.
struct Search<'a> {
    config: &'a RuntimeConfig,
    bound: Option<u32>,
    program: String,
    replay: String,
    start: Instant,
    shared: Shared,
    /// `/dev/null`, the runs' stdin.
    null: File,
}

/// Explores the program's schedules; `body` is what a forked run does. Prints the report
/// to stdout (and writes its JSON to `WASMC_MC_REPORT`) and returns the search's status:
/// 0 when no run failed, [`FAILURES_FOUND_STATUS`] otherwise, 1 (with a message) when the
/// search could not run.
pub fn explore(config: &RuntimeConfig, args: &[Vec<u8>], body: &mut RunBody<'_>) -> i32 {
    match search(config, args, body) {
        Ok(report) => {
            print!("{}", report.render());
            let _ = std::io::stdout().flush();
            if let Some(path) = &config.mc.report
                && let Err(e) = write_report(path, &report)
            {
                eprintln!("error: WASMC_MC_REPORT={path}: {e}");
                return 1;
            }
            if report.failures.is_empty() { 0 } else { FAILURES_FOUND_STATUS }
        }
        Err(e) => {
            eprintln!("error: model checking: {e}");
            1
        }
    }
}

/// Writes `report` as JSON to `path` atomically (a temporary file beside it, renamed).
fn write_report(path: &str, report: &Report) -> Result<(), String> {
    let json = report.to_json();
    let tmp = format!("{path}.tmp{}", std::process::id());
    let written = std::fs::write(&tmp, &json).and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written.map_err(|e| e.to_string())
}

/// `s` quoted for a POSIX shell when it needs it.
fn shell_quote(s: &str) -> String {
    let plain =
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_./=:,+@%".contains(&b));
    if plain { s.to_string() } else { format!("'{}'", s.replace('\'', "'\\''")) }
}

/// The replay command of an executable: the environment that fixes the run (the
/// program's `WASMC_*` variables other than the model checker's, the trace and bound),
/// then its command line.
fn executable_replay(args: &[Vec<u8>], bound: Option<u32>) -> String {
    // A trace holds `*`: quoted, so no shell expands it.
    let mut parts = vec!["WASMC_DETERMINISTIC=1".to_string(), "WASMC_SCHED_TRACE='{trace}'".into()];
    parts.push(format!(
        "WASMC_SCHED_PREEMPTION_BOUND={}",
        bound.map_or("none".to_string(), |b| b.to_string())
    ));
    let mut vars: Vec<(String, String)> = std::env::vars()
        .filter(|(k, _)| {
            k.starts_with("WASMC_")
                && !k.starts_with("WASMC_MC_")
                && !matches!(
                    k.as_str(),
                    "WASMC_MODEL_CHECK"
                        | "WASMC_DETERMINISTIC"
                        | "WASMC_SCHED_TRACE"
                        | "WASMC_SCHED_PREEMPTION_BOUND"
                )
        })
        .collect();
    vars.sort();
    parts.extend(vars.iter().map(|(k, v)| format!("{k}={}", shell_quote(v))));
    parts.extend(args.iter().map(|a| shell_quote(&String::from_utf8_lossy(a))));
    parts.join(" ")
}

fn search(
    config: &RuntimeConfig,
    args: &[Vec<u8>],
    body: &mut RunBody<'_>,
) -> Result<Report, String> {
    let bound = config.sched.preemption_bound.unwrap_or(Some(DEFAULT_PREEMPTION_BOUND));
    let jobs = config.mc.jobs.max(1) as usize;
    let program = args.first().map(|a| String::from_utf8_lossy(a).into_owned()).unwrap_or_default();
    let replay = config.mc.replay.clone().unwrap_or_else(|| executable_replay(args, bound));
    let null = File::open("/dev/null").map_err(|e| format!("/dev/null: {e}"))?;
    let search = Search {
        config,
        bound,
        program,
        replay,
        start: Instant::now(),
        shared: Shared::new(jobs)?,
        null,
    };
    // Nothing buffered may be copied into the forked processes.
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    if jobs == 1 {
        return search.job(0, 1, body);
    }
    let mut workers = Vec::new();
    for w in 0..jobs {
        let mut out = memfd(c"wasmc-mc-report")?;
        // SAFETY: this process runs one thread of its own here (the program's thread; the
        // C main thread only waits to join it, holding no lock), so the child's copy of
        // the runtime's state is consistent.
        let pid = unsafe { libc::fork() };
        if pid < 0 {
            return Err(format!("fork: {}", std::io::Error::last_os_error()));
        }
        if pid == 0 {
            let code = match search.job(w, jobs, body) {
                Ok(r) => match out.write_all(&r.to_json()) {
                    Ok(()) => 0,
                    Err(_) => 1,
                },
                Err(e) => {
                    eprintln!("error: model checking (job {w}): {e}");
                    1
                }
            };
            let _ = std::io::stderr().flush();
            // SAFETY: `_exit` ends this worker without running the parent's exit hooks.
            unsafe { libc::_exit(code) };
        }
        workers.push((pid, out));
    }
    let mut parts = Vec::new();
    let mut failed = None;
    for (w, (pid, mut out)) in workers.into_iter().enumerate() {
        let status = wait_child(pid)?;
        let ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
        let json = read_start(&mut out, usize::MAX);
        match Report::from_json(&json) {
            Ok(r) if ok => parts.push(r),
            _ => failed = failed.or(Some(w)),
        }
    }
    if let Some(w) = failed {
        return Err(format!("job {w} of {jobs} ended without a report"));
    }
    let mut it = parts.into_iter();
    let first = it.next().ok_or("no job reported")?;
    Ok(first.merge_jobs(it.collect()))
}

/// Waits for child `pid`; its wait status.
fn wait_child(pid: libc::pid_t) -> Result<i32, String> {
    let mut status = 0;
    loop {
        // SAFETY: `status` is a valid out-pointer.
        let r = unsafe { libc::waitpid(pid, &mut status, 0) };
        if r == pid {
            return Ok(status);
        }
        let e = std::io::Error::last_os_error();
        if e.raw_os_error() != Some(libc::EINTR) {
            return Err(format!("waitpid: {e}"));
        }
    }
}

/// How a run ended, as the report counts it.
struct Ended {
    status: String,
    failure: Option<String>,
}

impl Search<'_> {
    /// Job `w` of `jobs`: explores its part of the shard; its report.
    fn job(&self, w: usize, jobs: usize, body: &mut RunBody<'_>) -> Result<Report, String> {
        let mc = &self.config.mc;
        let (shard, shards) = (mc.shard.0, mc.shard.1);
        let mut report =
            Report::new(self.program.clone(), self.bound, shard, shards, self.replay.clone());
        let mut out = memfd(c"wasmc-mc-stdout")?;
        let mut err = memfd(c"wasmc-mc-stderr")?;
        let words = self.shared.log_words(w);
        let mut prefix: Vec<u32> = Vec::new();
        let mut truncated = false;
        loop {
            if self.shared.stop().load(Ordering::Acquire) != 0 {
                report.stopped = Some("stop-on-failure".into());
                break;
            }
            if mc.time_limit.is_some_and(|t| self.start.elapsed().as_secs_f64() >= t) {
                report.stopped = Some("time-limit".into());
                break;
            }
            if let Some(max) = mc.max_runs
                && self.shared.runs_started().fetch_add(1, Ordering::AcqRel) >= max
            {
                report.stopped = Some("max-runs".into());
                break;
            }
            reset(&mut out)?;
            reset(&mut err)?;
            let wait_status = self.run(&prefix, words, &out, &err, body)?;
            // SAFETY: the run that wrote the log has ended.
            let rec = unsafe { read_log(words) };
            let chosen: Vec<u32> = rec.choices.iter().map(|c| c.0).collect();
            if chosen.len() < prefix.len() || chosen[..prefix.len()] != prefix[..] {
                let trace = format_trace(&prefix);
                let asked = trace.clone();
                report.add_run(
                    &asked,
                    "nondeterministic".into(),
                    String::new(),
                    String::new,
                    Some(("nondeterminism".to_string(), move || {
                        format!(
                            "replaying trace {trace} made the choices {}: the program does \
                             something the scheduler does not fix (a data race on plain \
                             memory, or a host call it does not control)",
                            format_trace(&chosen)
                        )
                    })),
                );
                report.stopped = Some("nondeterminism".into());
                break;
            }
            let (d1, h1) = split(&rec.choices, u128::from(shards), 1);
            let (d2, h2) = split(&rec.choices, u128::from(shards) * jobs as u128, 2);
            let in_shard = h1 % u64::from(shards) == u64::from(shard);
            let mine = in_shard && h2 % jobs as u64 == w as u64;
            let limit = if !in_shard {
                d1
            } else if !mine {
                d2
            } else {
                rec.choices.len()
            };
            if mine {
                let ended = self.classify(wait_status, &rec, &mut err);
                let trace = format_trace(&chosen);
                let hash = format!("{:016x}", hash_file(&mut out));
                let failed = ended.failure.is_some();
                let failure = ended.failure.map(|c| {
                    let stderr =
                        String::from_utf8_lossy(&read_start(&mut err, STDERR_KEPT)).into_owned();
                    (c, move || stderr)
                });
                let preview = one_line(&read_start(&mut out, 200));
                report.add_run(&trace, ended.status, hash, move || preview, failure);
                if rec.flags & ChoiceLog::FULL != 0 {
                    report.truncated_runs += 1;
                    truncated = true;
                }
                if failed && mc.stop_on_failure {
                    self.shared.stop().store(1, Ordering::Release);
                    report.stopped = Some("stop-on-failure".into());
                    break;
                }
            } else if mc.max_runs.is_some() {
                // Not counted: its ticket goes back.
                self.shared.runs_started().fetch_sub(1, Ordering::AcqRel);
            }
            match next_prefix(&rec.choices, limit) {
                Some(p) => prefix = p,
                None => {
                    report.exhausted = !truncated;
                    break;
                }
            }
        }
        report.seconds = self.start.elapsed().as_secs_f64();
        Ok(report)
    }

    /// Forks a run replaying `prefix`; its wait status.
    fn run(
        &self,
        prefix: &[u32],
        words: *mut u64,
        out: &File,
        err: &File,
        body: &mut RunBody<'_>,
    ) -> Result<i32, String> {
        // SAFETY: as in `search`: this process has no other thread that could hold a lock.
        let pid = unsafe { libc::fork() };
        if pid < 0 {
            return Err(format!("fork: {}", std::io::Error::last_os_error()));
        }
        if pid == 0 {
            self.child(prefix, words, out, err, body);
        }
        wait_child(pid)
    }

    /// The forked run; never returns.
    fn child(
        &self,
        prefix: &[u32],
        words: *mut u64,
        out: &File,
        err: &File,
        body: &mut RunBody<'_>,
    ) -> ! {
        // One CPU for all the run's threads: only one runs at a time, and a hand-over of
        // the run token then switches threads on that CPU instead of waking one on another
        // (and no TLB shootdown reaches other CPUs when the run maps memory).
        // The CPU is the one the kernel started the child on, so searches and jobs that
        // run side by side spread over the CPUs as the kernel balances them.
        // SAFETY: `sched_getcpu` has no preconditions; a zeroed `cpu_set_t` is an empty
        // set, and `CPU_SET` and `sched_setaffinity` only read and write it.
        unsafe {
            let cpu = libc::sched_getcpu();
            if cpu >= 0 {
                let mut set: libc::cpu_set_t = std::mem::zeroed();
                libc::CPU_SET(cpu as usize, &mut set);
                libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set);
            }
        }
        // SAFETY: `dup2` onto the standard descriptors of this (single-threaded) child;
        // `setitimer` arms the run timeout, whose SIGALRM (default action) ends it.
        unsafe {
            libc::dup2(self.null.as_raw_fd(), 0);
            libc::dup2(out.as_raw_fd(), 1);
            libc::dup2(err.as_raw_fd(), 2);
            let t = self.config.mc.run_timeout;
            let timer = libc::itimerval {
                it_interval: libc::timeval { tv_sec: 0, tv_usec: 0 },
                it_value: libc::timeval {
                    tv_sec: t.trunc() as libc::time_t,
                    tv_usec: (t.fract() * 1e6) as libc::suseconds_t,
                },
            };
            libc::setitimer(libc::ITIMER_REAL, &timer, std::ptr::null_mut());
        }
        // The run's threads take turns, so they can share one malloc arena: glibc would
        // map a new one for each thread's first allocation (64 MiB reserved, its pages
        // faulted in one by one).
        // SAFETY: `mallopt` only changes allocator parameters; this child has one thread.
        unsafe { libc::mallopt(libc::M_ARENA_MAX, 1) };
        // SAFETY: the log region is this job's, written only by this run until it ends.
        let log = unsafe { ChoiceLog::new(words, LOG_CAPACITY) };
        let prefix = prefix.to_vec();
        let bound = self.bound;
        let code =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| body(prefix, bound, log)))
                .unwrap_or(101);
        crate::exit::exit_process(code)
    }

    /// What a run's wait status and log say about it.
    fn classify(&self, status: i32, rec: &Recorded, err: &mut File) -> Ended {
        if libc::WIFSIGNALED(status) {
            let sig = libc::WTERMSIG(status);
            let failure = if sig == libc::SIGALRM {
                format!("timeout (longer than {} s: a livelock?)", self.config.mc.run_timeout)
            } else {
                format!("signal {sig}")
            };
            return Ended { status: format!("signal {sig}"), failure: Some(failure) };
        }
        let code = libc::WEXITSTATUS(status);
        let status = format!("exit {code}");
        let failure = if rec.flags & ChoiceLog::DEADLOCK != 0 {
            Some("deadlock".to_string())
        } else if rec.flags & ChoiceLog::TRAP != 0 {
            let text = String::from_utf8_lossy(&read_start(err, STDERR_KEPT)).into_owned();
            let msg = text
                .lines()
                .find_map(|l| l.find("wasm trap: ").or(l.find("wasm exception: ")).map(|i| &l[i..]))
                .map(|m| m.strip_prefix("wasm ").unwrap_or(m).to_string())
                .unwrap_or_else(|| "trap".into());
            Some(msg)
        } else if code != self.config.mc.expect_status {
            Some(format!("exit status {code}"))
        } else {
            None
        };
        Ended { status, failure }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_count_up_like_an_odometer() {
        assert_eq!(next_prefix(&[(0, 2), (0, 3)], 9), Some(vec![0, 1]));
        assert_eq!(next_prefix(&[(0, 2), (2, 3)], 9), Some(vec![1]));
        assert_eq!(next_prefix(&[(1, 2), (2, 3)], 9), None);
        assert_eq!(next_prefix(&[(0, 2), (0, 3)], 1), Some(vec![1]));
        assert_eq!(next_prefix(&[], 9), None);
    }

    /// Every leaf of a tree (given as the arities below each prefix) is visited once, and
    /// the shards' leaves partition them.
    #[test]
    fn shards_partition_the_leaves() {
        // A tree where the arity depends on the path: depth 6, arity 1 + (sum % 3).
        let arity =
            |p: &[u32]| if p.len() >= 6 { None } else { Some(1 + p.iter().sum::<u32>() % 3 + 1) };
        let leaf = |prefix: &[u32]| {
            let mut path = Vec::new();
            let mut rec = Vec::new();
            while let Some(a) = arity(&path) {
                let c = prefix.get(path.len()).copied().unwrap_or(0);
                rec.push((c, a));
                path.push(c);
            }
            rec
        };
        let explore = |shard: u64, shards: u64| {
            let mut seen = Vec::new();
            let mut prefix = Vec::new();
            loop {
                let rec = leaf(&prefix);
                let (d, h) = split(&rec, u128::from(shards), 1);
                let mine = h % shards == shard;
                if mine {
                    seen.push(rec.iter().map(|c| c.0).collect::<Vec<_>>());
                }
                match next_prefix(&rec, if mine { rec.len() } else { d }) {
                    Some(p) => prefix = p,
                    None => return seen,
                }
            }
        };
        let all = explore(0, 1);
        let mut dedup = all.clone();
        dedup.dedup();
        assert_eq!(dedup.len(), all.len());
        assert!(all.len() > 100, "{}", all.len());
        for n in [2, 3, 5] {
            let mut union: Vec<Vec<u32>> = (0..n).flat_map(|i| explore(i, n)).collect();
            union.sort();
            assert_eq!(union, all, "{n} shards");
        }
    }
}
