//! The model checker's traces and reports (issue 29), shared by the runtime, which explores
//! a program's schedules, and the `wasmc` command, which merges the reports of shards
//! (`wasmc run --merge`).
//!
//! # Traces
//! A run under the deterministic scheduler is fixed by its *choices*: at every decision
//! among two or more options (runnable threads at a scheduling point, or the values of
//! `model_checker_select(n)`), the index of the option taken. A trace prints them joined
//! by `.`, a run of `n >= 3` equal choices `c` as `c*n`, trailing zeros left out (a replay
//! takes option 0 once its list ends), `-` for none: `1.0*4.2`.
//!
//! # Order
//! The model checker explores the tree of choices depth first, option 0 first, so its runs
//! come in the lexicographic order of their choice lists ([`trace_order`]); a report's
//! "first trace" of an outcome or a failure is the least in that order, whichever shard or
//! job found it.

use std::cmp::Ordering;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

/// The report format's version ([`Report::version`]).
pub const REPORT_VERSION: u32 = 1;

/// A trace as printed (see the module docs).
pub fn format_trace(choices: &[u32]) -> String {
    let end = choices.iter().rposition(|c| *c != 0).map_or(0, |i| i + 1);
    let mut parts = Vec::new();
    let mut i = 0;
    while i < end {
        let c = choices[i];
        let mut j = i;
        while j < end && choices[j] == c {
            j += 1;
        }
        let n = j - i;
        if n >= 3 {
            parts.push(format!("{c}*{n}"));
        } else {
            parts.extend(std::iter::repeat_n(c.to_string(), n));
        }
        i = j;
    }
    if parts.is_empty() { "-".into() } else { parts.join(".") }
}

/// Parses a trace written by [`format_trace`].
///
/// # Errors
/// A part that is not a number or `number*count`, naming it; a trace of more than 2^26
/// choices.
pub fn parse_trace(s: &str) -> Result<Vec<u32>, String> {
    let s = s.trim();
    if s == "-" || s.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for part in s.split('.') {
        let bad = || format!("`{part}` is not a choice (N or N*COUNT)");
        let (c, n) = match part.split_once('*') {
            Some((c, n)) => (c, n.parse::<usize>().map_err(|_| bad())?),
            None => (part, 1),
        };
        let c = c.parse::<u32>().map_err(|_| bad())?;
        if n > 1 << 24 || out.len() + n > 1 << 26 {
            return Err(format!("`{part}`: the trace is too long"));
        }
        out.extend(std::iter::repeat_n(c, n));
    }
    Ok(out)
}

/// The exploration order of two printed traces: lexicographic over their choices, a
/// missing choice counting as 0. A trace that does not parse sorts last.
pub fn trace_order(a: &str, b: &str) -> Ordering {
    match (parse_trace(a), parse_trace(b)) {
        (Ok(a), Ok(b)) => {
            let n = a.len().max(b.len());
            let at = |v: &[u32], i: usize| v.get(i).copied().unwrap_or(0);
            (0..n).map(|i| at(&a, i).cmp(&at(&b, i))).find(|o| o.is_ne()).unwrap_or(Ordering::Equal)
        }
        (Ok(_), Err(_)) => Ordering::Less,
        (Err(_), Ok(_)) => Ordering::Greater,
        (Err(_), Err(_)) => a.cmp(b),
    }
}

/// One way runs ended: an exit status (or signal) and the bytes they wrote to stdout.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Outcome {
    /// `exit N` or `signal N`.
    pub status: String,
    /// FNV-1a (64-bit) of the run's stdout, 16 hexadecimal digits.
    pub stdout_hash: String,
    /// The first 200 bytes of that stdout, escaped as one line (`\n` for a newline).
    pub stdout: String,
    /// Runs that ended this way.
    pub runs: u64,
    /// The first such run in exploration order.
    pub first_trace: String,
}

/// One class of failing runs: `trap: MESSAGE`, `deadlock`, `timeout`, `exit status N`
/// (not the expected one) or `signal N`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Failure {
    /// The class, as above.
    pub class: String,
    /// Failing runs of this class.
    pub runs: u64,
    /// The first such run in exploration order.
    pub first_trace: String,
    /// What that run wrote to stderr (its first 16 KiB).
    pub stderr: String,
}

/// What a model-checking search found (its JSON form is what `WASMC_MC_REPORT` writes and
/// `wasmc run --merge` reads).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Report {
    /// [`REPORT_VERSION`].
    pub version: u32,
    /// The program's name (its `argv[0]`).
    pub program: String,
    /// The search's preemption bound (`None`: unbounded).
    pub preemption_bound: Option<u32>,
    /// How many shards the tree was split into (`--shard I/N`: N).
    pub shard_count: u32,
    /// The shards this report covers (one, or several after a merge), ascending.
    pub shards: Vec<u32>,
    /// Runs explored (of these shards; runs made only to find a shard's boundary are not
    /// counted).
    pub runs: u64,
    /// Runs that failed.
    pub failed_runs: u64,
    /// Runs whose choices outgrew the choice log: the tree below them was not explored.
    pub truncated_runs: u64,
    /// Whether every run of these shards within the preemption bound was explored.
    pub exhausted: bool,
    /// Why the search ended early (`max-runs`, `time-limit`, `stop-on-failure`), if it did.
    pub stopped: Option<String>,
    /// Wall-clock seconds the search took (the longest shard's, after a merge).
    pub seconds: f64,
    /// The distinct outcomes, by status, then stdout hash.
    pub outcomes: Vec<Outcome>,
    /// The failure classes, by class.
    pub failures: Vec<Failure>,
    /// Every run's trace in exploration order, when the search made at most
    /// [`Report::MAX_LISTED_RUNS`] runs (else `None`).
    pub traces: Option<Vec<String>>,
    /// The command that replays a run, with `{trace}` where its trace goes.
    pub replay: String,
}

impl Report {
    /// Runs whose traces a report lists at most.
    pub const MAX_LISTED_RUNS: u64 = 100_000;

    /// An empty report of shard `shard` of `shard_count`.
    pub fn new(
        program: String,
        preemption_bound: Option<u32>,
        shard: u32,
        shard_count: u32,
        replay: String,
    ) -> Report {
        Report {
            version: REPORT_VERSION,
            program,
            preemption_bound,
            shard_count,
            shards: vec![shard],
            runs: 0,
            failed_runs: 0,
            truncated_runs: 0,
            exhausted: false,
            stopped: None,
            seconds: 0.0,
            outcomes: Vec::new(),
            failures: Vec::new(),
            traces: Some(Vec::new()),
            replay,
        }
    }

    /// The report as JSON (what `WASMC_MC_REPORT` holds).
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec_pretty(self).expect("a report serialises")
    }

    /// A report from its JSON.
    ///
    /// # Errors
    /// The bytes are not a report's JSON (serde_json's message, with line and column).
    pub fn from_json(bytes: &[u8]) -> Result<Report, String> {
        serde_json::from_slice(bytes).map_err(|e| e.to_string())
    }

    /// The replay command for `trace`.
    pub fn replay_command(&self, trace: &str) -> String {
        self.replay.replace("{trace}", trace)
    }

    /// Whether every shard of the tree is in this report.
    pub fn complete(&self) -> bool {
        self.shards.len() == self.shard_count as usize
    }

    /// Counts a run of `trace` that ended as `outcome` (`status`, stdout hash, stdout
    /// preview), failing as `failure` (class, stderr) if it did. Runs must be added in
    /// exploration order for `traces` to be in that order.
    pub fn add_run(
        &mut self,
        trace: &str,
        status: String,
        stdout_hash: String,
        stdout: impl FnOnce() -> String,
        failure: Option<(String, impl FnOnce() -> String)>,
    ) {
        self.runs += 1;
        match self.outcomes.iter_mut().find(|o| o.status == status && o.stdout_hash == stdout_hash)
        {
            Some(o) => {
                o.runs += 1;
                if trace_order(trace, &o.first_trace).is_lt() {
                    o.first_trace = trace.to_string();
                }
            }
            None => self.outcomes.push(Outcome {
                status,
                stdout_hash,
                stdout: stdout(),
                runs: 1,
                first_trace: trace.to_string(),
            }),
        }
        if let Some((class, stderr)) = failure {
            self.failed_runs += 1;
            match self.failures.iter_mut().find(|f| f.class == class) {
                Some(f) => {
                    f.runs += 1;
                    if trace_order(trace, &f.first_trace).is_lt() {
                        f.first_trace = trace.to_string();
                        f.stderr = stderr();
                    }
                }
                None => self.failures.push(Failure {
                    class,
                    runs: 1,
                    first_trace: trace.to_string(),
                    stderr: stderr(),
                }),
            }
        }
        if let Some(t) = &mut self.traces {
            if self.runs > Report::MAX_LISTED_RUNS {
                self.traces = None;
            } else {
                t.push(trace.to_string());
            }
        }
        self.sort();
    }

    fn sort(&mut self) {
        self.outcomes.sort_by(|a, b| {
            status_key(&a.status)
                .cmp(&status_key(&b.status))
                .then_with(|| a.stdout_hash.cmp(&b.stdout_hash))
        });
        self.failures.sort_by(|a, b| a.class.cmp(&b.class));
    }

    /// Adds the runs of `other`, a report of the same search over other runs (a job's part
    /// of a shard, or another shard): counts add up, first traces are the least of both,
    /// `exhausted` holds if it holds for both, and traces merge in exploration order.
    fn absorb(&mut self, other: Report) {
        self.runs += other.runs;
        self.failed_runs += other.failed_runs;
        self.truncated_runs += other.truncated_runs;
        self.exhausted &= other.exhausted;
        self.stopped = self.stopped.take().or(other.stopped);
        self.seconds = self.seconds.max(other.seconds);
        for o in other.outcomes {
            match self
                .outcomes
                .iter_mut()
                .find(|m| m.status == o.status && m.stdout_hash == o.stdout_hash)
            {
                Some(m) => {
                    m.runs += o.runs;
                    if trace_order(&o.first_trace, &m.first_trace).is_lt() {
                        m.first_trace = o.first_trace;
                    }
                }
                None => self.outcomes.push(o),
            }
        }
        for f in other.failures {
            match self.failures.iter_mut().find(|m| m.class == f.class) {
                Some(m) => {
                    m.runs += f.runs;
                    if trace_order(&f.first_trace, &m.first_trace).is_lt() {
                        m.first_trace = f.first_trace;
                        m.stderr = f.stderr;
                    }
                }
                None => self.failures.push(f),
            }
        }
        self.traces = match (self.traces.take(), other.traces) {
            (Some(mut a), Some(b)) if self.runs <= Report::MAX_LISTED_RUNS => {
                a.extend(b);
                a.sort_by(|x, y| trace_order(x, y));
                Some(a)
            }
            _ => None,
        };
        self.sort();
    }

    /// Merges the parts of one shard that `--jobs` workers explored.
    pub fn merge_jobs(mut self, parts: Vec<Report>) -> Report {
        for p in parts {
            self.absorb(p);
        }
        self
    }

    /// The report of the whole search from the reports of its shards (`wasmc run
    /// --merge`): the same program, preemption bound and shard count, no shard twice.
    ///
    /// # Errors
    /// No reports; reports of another version or of different searches; a shard twice.
    pub fn merge(reports: Vec<Report>) -> Result<Report, String> {
        let mut it = reports.into_iter();
        let mut merged = it.next().ok_or("no reports to merge")?;
        for r in it {
            if r.version != merged.version {
                return Err(format!("report version {} and {} differ", r.version, merged.version));
            }
            if r.program != merged.program
                || r.preemption_bound != merged.preemption_bound
                || r.shard_count != merged.shard_count
            {
                return Err(format!(
                    "the reports are of different searches (program `{}` bound {:?} in {} \
                     shards, program `{}` bound {:?} in {} shards)",
                    merged.program,
                    merged.preemption_bound,
                    merged.shard_count,
                    r.program,
                    r.preemption_bound,
                    r.shard_count
                ));
            }
            if let Some(s) = r.shards.iter().find(|s| merged.shards.contains(s)) {
                return Err(format!("shard {s}/{} is in two reports", r.shard_count));
            }
            merged.shards.extend(r.shards.iter().copied());
            merged.shards.sort_unstable();
            merged.absorb(r);
        }
        Ok(merged)
    }

    /// The report as people read it (what `wasmc run --model-check` prints).
    pub fn render(&self) -> String {
        let mut s = String::new();
        let bound = match self.preemption_bound {
            Some(b) => format!("preemption bound {b}"),
            None => "no preemption bound".to_string(),
        };
        let part = if self.shard_count == 1 {
            String::new()
        } else {
            let list: Vec<String> = self.shards.iter().map(u32::to_string).collect();
            format!(
                ", shard{} {} of {}",
                plural(self.shards.len() as u64),
                list.join(","),
                self.shard_count
            )
        };
        let _ = writeln!(
            s,
            "model check of {}: {} run{} in {:.2} s ({bound}{part})",
            self.program,
            self.runs,
            plural(self.runs),
            self.seconds
        );
        let state = if self.exhausted && self.complete() {
            "the tree of choices was exhausted within the bound".to_string()
        } else if self.exhausted {
            let whose = if self.shards.len() == 1 {
                "this shard's tree was"
            } else {
                "these shards' trees were"
            };
            format!(
                "{whose} exhausted within the bound (merge the other shards' reports for the whole tree)"
            )
        } else {
            match &self.stopped {
                Some(why) => format!("the search stopped early ({why}): the tree is NOT exhausted"),
                None => "the tree is NOT exhausted".to_string(),
            }
        };
        let _ = writeln!(s, "{state}");
        if self.truncated_runs > 0 {
            let _ = writeln!(
                s,
                "{} run{} made more choices than the log holds; below them the tree is unexplored",
                self.truncated_runs,
                plural(self.truncated_runs)
            );
        }
        let _ = writeln!(
            s,
            "{} distinct outcome{}:",
            self.outcomes.len(),
            plural(self.outcomes.len() as u64)
        );
        for o in &self.outcomes {
            let _ = writeln!(
                s,
                "  {:>8} run{} {}, stdout {} \"{}\" (first: {})",
                o.runs,
                if o.runs == 1 { " " } else { "s" },
                o.status,
                o.stdout_hash,
                o.stdout,
                o.first_trace
            );
        }
        if self.failures.is_empty() {
            let _ = writeln!(s, "no failures");
            return s;
        }
        let _ = writeln!(
            s,
            "{} failing run{} in {} class{}:",
            self.failed_runs,
            plural(self.failed_runs),
            self.failures.len(),
            if self.failures.len() == 1 { "" } else { "es" }
        );
        for f in &self.failures {
            let _ = writeln!(
                s,
                "- {}: {} run{}, first trace {}",
                f.class,
                f.runs,
                plural(f.runs),
                f.first_trace
            );
            let _ = writeln!(s, "  replay: {}", self.replay_command(&f.first_trace));
            if !f.stderr.is_empty() {
                let _ = writeln!(s, "  its stderr:");
                for line in f.stderr.lines() {
                    let _ = writeln!(s, "  | {line}");
                }
            }
        }
        s
    }
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `exit N` before `signal N`, then by number.
fn status_key(s: &str) -> (u8, i64) {
    let num = |p: &str| s.strip_prefix(p).and_then(|n| n.trim().parse::<i64>().ok()).unwrap_or(0);
    if s.starts_with("exit") { (0, num("exit")) } else { (1, num("signal")) }
}

/// FNV-1a, 64-bit: the stdout hash of [`Outcome`] (stable across machines and releases).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traces_round_trip() {
        for t in [vec![], vec![0, 0], vec![1], vec![3, 0, 1, 1], vec![2, 2, 2, 2, 0, 1, 0, 0]] {
            let s = format_trace(&t);
            let mut back = parse_trace(&s).unwrap();
            let end = t.iter().rposition(|c| *c != 0).map_or(0, |i| i + 1);
            back.resize(t.len().max(back.len()), 0);
            assert_eq!(&back[..end], &t[..end], "{s}");
        }
        assert_eq!(format_trace(&[2, 2, 2, 2, 0, 1, 0, 0]), "2*4.0.1");
        assert_eq!(format_trace(&[0, 0]), "-");
        assert!(parse_trace("1.x").is_err());
        assert!(parse_trace("1*").is_err());
    }

    #[test]
    fn traces_order_as_explored() {
        assert!(trace_order("-", "1").is_lt());
        assert!(trace_order("0.1", "1").is_lt());
        assert!(trace_order("1.0.1", "1.1").is_lt());
        assert!(trace_order("2*3", "2.2.2").is_eq());
        assert!(trace_order("1", "0.0.5").is_gt());
    }

    fn run(r: &mut Report, trace: &str, status: &str, hash: &str, fail: Option<&str>) {
        let failure = fail.map(|c| (c.to_string(), move || format!("stderr of {c}")));
        r.add_run(trace, status.into(), hash.into(), || "out".into(), failure);
    }

    #[test]
    fn shards_merge_to_the_whole() {
        let mut a = Report::new("p".into(), Some(2), 0, 2, "r {trace}".into());
        let mut b = Report::new("p".into(), Some(2), 1, 2, "r {trace}".into());
        run(&mut a, "-", "exit 0", "aa", None);
        run(&mut a, "1.1", "exit 1", "bb", Some("exit status 1"));
        run(&mut b, "1", "exit 1", "bb", Some("exit status 1"));
        run(&mut b, "2", "exit 0", "aa", None);
        a.exhausted = true;
        b.exhausted = true;
        let m = Report::merge(vec![a.clone(), b]).unwrap();
        assert_eq!(m.runs, 4);
        assert_eq!(m.failed_runs, 2);
        assert!(m.complete() && m.exhausted);
        assert_eq!(m.outcomes.len(), 2);
        assert_eq!(m.failures[0].first_trace, "1");
        assert_eq!(m.failures[0].stderr, "stderr of exit status 1");
        assert_eq!(m.traces.as_deref().unwrap(), ["-", "1", "1.1", "2"]);
        assert!(m.render().contains("exhausted"));
        assert!(Report::merge(vec![a.clone(), a]).unwrap_err().contains("two reports"));
    }
}
