//! The runtime's knobs: every `WASMC_*` environment variable a compiled program reads, parsed
//! once at start-up into a typed configuration (STYLE.md guide, rule 11).

use crate::printable::Printable;
use wasmc_abi::size::{parse_size, show_size};

/// Configuration of a program run.
#[derive(Debug, Clone, Default)]
pub struct RuntimeConfig {
    /// Preopened directories `(host path, guest name)` from `WASMC_PREOPEN`
    /// (`HOST[::GUEST]` entries separated by `;`).
    pub preopens: Vec<(String, String)>,
    /// Guest environment (`NAME=VALUE`) from the `WASMC_ENV_<NAME>` variables, sorted.
    pub env: Vec<Vec<u8>>,
    /// Export to call instead of `_start` (`WASMC_INVOKE`).
    pub invoke: Option<String>,
    /// Bytes of stack for Wasm code (`WASMC_STACK_SIZE`, default 8 MiB).
    pub stack_size: usize,
    /// The collector's knobs: `WASMC_GC=generational|semispace`,
    /// `WASMC_GC_HEAP=INITIAL[:MAX]` (bytes, with an optional K/M/G suffix: the semispace
    /// size, or the old generation's budget), `WASMC_GC_NURSERY=BYTES`, `WASMC_GC_AGING=0|1`
    /// (age survivors once in the nursery, default 1, or promote them at once),
    /// `WASMC_GC_STRESS=N` (collect at every N-th allocation: a minor collection under the
    /// generational collector), `WASMC_GC_STRESS_MAJOR=N` (every N-th stress collection is
    /// major; by default a stress collection is major once the bytes allocated since the
    /// last major reach the live bytes it left), `WASMC_GC_POISON=1`, `WASMC_GC_VERIFY=1`, `WASMC_GC_STATS=1`, `WASMC_GC_TRACE=1` (a line per collection), and for testing
    /// the verifier `WASMC_GC_DROP_BARRIER=N` (forget the N-th remembered slot).
    pub gc: wasmc_gc::GcConfig,
    /// `WASMC_DETERMINISTIC=1`: fixed virtual clocks and random bytes (DESIGN.md
    /// "Determinism"; the collector's points depend only on the allocation sequence in
    /// every mode).
    pub deterministic: bool,
    /// Most threads a wasi-threads program may run at once besides its main thread
    /// (`WASMC_MAX_THREADS`, default [`DEFAULT_MAX_THREADS`], from 1 to
    /// [`MAX_MAX_THREADS`]): a `thread-spawn` beyond it fails (returns a negative value,
    /// which wasi-libc's `pthread_create` reports as `EAGAIN`).
    pub max_threads: u32,
    /// The deterministic scheduler's knobs (`WASMC_SCHED*`, issue 29): they apply under
    /// `WASMC_DETERMINISTIC=1` to programs that spawn threads or call
    /// `model_checker_select`.
    pub sched: SchedKnobs,
    /// `WASMC_MODEL_CHECK=1`: explore the program's schedules instead of running it once
    /// (see [`ModelCheckKnobs`]; implies the deterministic mode).
    pub model_check: bool,
    /// The model checker's knobs (`WASMC_MC_*`).
    pub mc: ModelCheckKnobs,
}

/// Which policy picks the next thread (`WASMC_SCHED`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SchedKind {
    /// `random` (the default).
    #[default]
    Random,
    /// `pct`: probabilistic concurrency testing.
    Pct,
    /// `rr`: round-robin.
    RoundRobin,
}

/// The deterministic scheduler's knobs.
#[derive(Debug, Clone)]
pub struct SchedKnobs {
    /// `WASMC_SCHED=random|pct|rr` (default `pct`: it switches threads only when one
    /// blocks or at its change points, so a run costs little more than running the
    /// threads one after another; `random` switches at most points, each switch an OS
    /// context switch of a few microseconds).
    pub kind: SchedKind,
    /// `WASMC_SCHED_SEED=N` (default 0): the seed of the policy's choices and of
    /// `random_get`'s stream.
    pub seed: u64,
    /// `WASMC_SCHED_DEPTH=D` (PCT's bug depth, 1 to 64, default 3).
    pub depth: u32,
    /// `WASMC_SCHED_STEPS=K` (PCT: the number of scheduling points the change points are
    /// drawn from, default 10000; set it to about the points a run passes).
    pub steps: u64,
    /// `WASMC_SCHED_TRACE=T`: replay the trace `T` (as printed by the model checker)
    /// instead of the policy.
    pub trace: Option<Vec<u32>>,
    /// `WASMC_SCHED_PREEMPTION_BOUND=K|none`: most preemptions a run makes (`None`: the
    /// variable is unset: unbounded for a run, [`DEFAULT_PREEMPTION_BOUND`] for the model
    /// checker; `Some(None)`: `none`, unbounded). A replay must use the bound of the search
    /// that printed its trace.
    pub preemption_bound: Option<Option<u32>>,
}

impl Default for SchedKnobs {
    fn default() -> SchedKnobs {
        SchedKnobs {
            kind: SchedKind::Pct,
            seed: 0,
            depth: 3,
            steps: 10_000,
            trace: None,
            preemption_bound: None,
        }
    }
}

/// The model checker's preemption bound when none is given (CHESS: most bugs need at most
/// two preemptions).
pub const DEFAULT_PREEMPTION_BOUND: u32 = 2;

/// The model checker's knobs (`wasmc run --model-check` sets them from its flags).
#[derive(Debug, Clone)]
pub struct ModelCheckKnobs {
    /// `WASMC_MC_MAX_RUNS=N`: stop after N runs (default: none).
    pub max_runs: Option<u64>,
    /// `WASMC_MC_TIME_LIMIT=S`: stop after S seconds (default: none).
    pub time_limit: Option<f64>,
    /// `WASMC_MC_RUN_TIMEOUT=S`: a run longer than S seconds fails as a livelock
    /// (default 10).
    pub run_timeout: f64,
    /// `WASMC_MC_EXPECT_STATUS=N`: the exit status of a run that passes (default 0).
    pub expect_status: i32,
    /// `WASMC_MC_STOP_ON_FAILURE=1`: end the search at the first failing run.
    pub stop_on_failure: bool,
    /// `WASMC_MC_SHARD=I/N`: explore only shard I of N (default 0/1).
    pub shard: (u32, u32),
    /// `WASMC_MC_JOBS=N`: runs explored at once, by N worker processes (default 1).
    pub jobs: u32,
    /// `WASMC_MC_REPORT=FILE`: also write the report as JSON to FILE (for `--merge`).
    pub report: Option<String>,
    /// `WASMC_MC_REPLAY=COMMAND`: how the report says to replay a trace; `{trace}` in it
    /// is replaced by the trace (`wasmc run` sets it; an executable prints an environment
    /// assignment and its own command line).
    pub replay: Option<String>,
}

impl Default for ModelCheckKnobs {
    fn default() -> ModelCheckKnobs {
        ModelCheckKnobs {
            max_runs: None,
            time_limit: None,
            run_timeout: 10.0,
            expect_status: 0,
            stop_on_failure: false,
            shard: (0, 1),
            jobs: 1,
            report: None,
            replay: None,
        }
    }
}

/// A number of seconds, positive and finite.
fn seconds(k: &str, v: &str) -> Result<f64, String> {
    let s = v.parse::<f64>().ok().filter(|s| s.is_finite() && *s > 0.0 && *s < 1e9);
    s.ok_or_else(|| bad_knob(k, v, "expected a positive number of seconds"))
}

/// `I/N` with `I < N`, `N` from 1 to 65536.
fn shard(k: &str, v: &str) -> Result<(u32, u32), String> {
    let parsed =
        v.split_once('/').and_then(|(i, n)| Some((i.parse::<u32>().ok()?, n.parse::<u32>().ok()?)));
    parsed
        .filter(|(i, n)| (1..=65536).contains(n) && i < n)
        .ok_or_else(|| bad_knob(k, v, "expected I/N with 0 <= I < N <= 65536"))
}

/// Default bytes of stack for Wasm code (`WASMC_STACK_SIZE` unset).
pub const DEFAULT_STACK_SIZE: usize = 8 << 20;
/// Extra stack for host code beyond the Wasm stack on the thread that runs the program.
pub const HOST_STACK: usize = 2 << 20;
/// Least bytes of Wasm stack `WASMC_STACK_SIZE` accepts (64 KiB).
pub const MIN_STACK_SIZE: usize = 64 << 10;
/// Most bytes of Wasm stack `WASMC_STACK_SIZE` accepts (4 GiB): the program's thread gets
/// this plus the host's share, a sum that must not overflow and a reservation the OS can
/// make.
pub const MAX_STACK_SIZE: usize = 4 << 30;
/// Threads a wasi-threads program may run at once besides its main one, by default.
pub const DEFAULT_MAX_THREADS: u32 = 1024;
/// Most `WASMC_MAX_THREADS` accepts: each thread reserves its stack (`WASMC_STACK_SIZE`
/// plus [`HOST_STACK`]) and the kernel bounds threads per process well below 2^29, the
/// thread id space of wasi-threads.
pub const MAX_MAX_THREADS: u32 = 1 << 16;
/// Least bytes per semispace `WASMC_GC_HEAP` accepts (4 KiB).
pub const MIN_GC_HEAP: usize = 4 << 10;
/// Most bytes per semispace `WASMC_GC_HEAP` accepts (1 TiB): two semispaces of it are
/// reserved, which must fit the 47-bit user address space with room to spare
/// ([`wasmc_gc::collector::MAX_SEMISPACE`]).
pub const MAX_GC_HEAP: usize = wasmc_gc::collector::MAX_SEMISPACE;

/// The message for a knob whose value is malformed or out of range: one line naming the
/// variable, its value (escaped: it is not ours) and what is allowed.
fn bad_knob(k: &str, v: &str, allowed: &str) -> String {
    format!("{k}={}: {allowed}", Printable(v))
}

/// `part` of the value `v` of variable `k` as a byte count in `min..=max` (suffixes
/// allowed); `what` names the part in the message (empty for the whole value).
fn size_in(
    k: &str,
    v: &str,
    part: &str,
    what: &str,
    min: usize,
    max: usize,
) -> Result<usize, String> {
    parse_size(part).filter(|n| (min..=max).contains(n)).ok_or_else(|| {
        let range = format!("from {} to {}", show_size(min), show_size(max));
        bad_knob(k, v, &format!("expected {what}a byte count {range}, K/M/G/T suffixes allowed"))
    })
}

/// A count from 1 to `u32::MAX`.
fn count(k: &str, v: &str) -> Result<u32, String> {
    let n = v.parse::<u32>().ok().filter(|n| *n >= 1);
    n.ok_or_else(|| bad_knob(k, v, &format!("expected a count from 1 to {}", u32::MAX)))
}

fn flag(k: &str, v: &str) -> Result<bool, String> {
    match v {
        "1" | "true" | "yes" => Ok(true),
        "0" | "false" | "no" | "" => Ok(false),
        _ => Err(bad_knob(k, v, "expected 0 or 1")),
    }
}

/// `WASMC_GC_HEAP=INITIAL[:MAX]`, each in [`MIN_GC_HEAP`]`..=`[`MAX_GC_HEAP`], `INITIAL <=
/// MAX`; without `MAX` the default maximum, raised to `INITIAL` if that is larger.
fn gc_heap(k: &str, v: &str, default_max: usize) -> Result<(usize, usize), String> {
    let (lo, hi) = (MIN_GC_HEAP, MAX_GC_HEAP);
    let (initial, max) = match v.split_once(':') {
        Some((i, m)) => (
            size_in(k, v, i, "INITIAL:MAX with INITIAL ", lo, hi)?,
            size_in(k, v, m, "INITIAL:MAX with MAX ", lo, hi)?,
        ),
        None => {
            let i = size_in(k, v, v, "", lo, hi)?;
            (i, default_max.max(i))
        }
    };
    if initial > max {
        return Err(bad_knob(k, v, "INITIAL is larger than MAX (expected INITIAL[:MAX])"));
    }
    Ok((initial, max))
}

impl RuntimeConfig {
    /// Reads the configuration from the process environment. A variable whose name or
    /// value is not UTF-8 is read lossily (so a malformed knob is reported, not skipped).
    ///
    /// # Errors
    /// A malformed or out-of-range variable: one line naming it, its value and the allowed
    /// range.
    pub fn from_env() -> Result<RuntimeConfig, String> {
        Self::from_vars(
            std::env::vars_os()
                .map(|(k, v)| (k.to_string_lossy().into_owned(), v.to_string_lossy().into_owned())),
        )
    }

    /// Reads the configuration from `(name, value)` pairs.
    ///
    /// # Errors
    /// A malformed or out-of-range variable: one line naming it, its value and the allowed
    /// range.
    pub fn from_vars(
        vars: impl Iterator<Item = (String, String)>,
    ) -> Result<RuntimeConfig, String> {
        let mut c = RuntimeConfig {
            stack_size: DEFAULT_STACK_SIZE,
            max_threads: DEFAULT_MAX_THREADS,
            ..Default::default()
        };
        c.gc = wasmc_gc::GcConfig::default();
        for (k, v) in vars {
            if let Some(name) = k.strip_prefix("WASMC_ENV_") {
                c.env.push(format!("{name}={v}").into_bytes());
                continue;
            }
            match k.as_str() {
                "WASMC_PREOPEN" => {
                    for entry in v.split(';').filter(|e| !e.is_empty()) {
                        let (host, guest) = entry.split_once("::").unwrap_or((entry, entry));
                        c.preopens.push((host.to_string(), guest.to_string()));
                    }
                }
                "WASMC_INVOKE" => c.invoke = Some(v),
                "WASMC_GC_HEAP" => (c.gc.initial, c.gc.max) = gc_heap(&k, &v, c.gc.max)?,
                "WASMC_GC_STRESS" => c.gc.stress = Some(count(&k, &v)?),
                "WASMC_GC" => {
                    c.gc.kind = match v.as_str() {
                        "generational" => wasmc_gc::CollectorKind::Generational,
                        "semispace" => wasmc_gc::CollectorKind::Semispace,
                        _ => return Err(bad_knob(&k, &v, "expected generational or semispace")),
                    }
                }
                "WASMC_GC_NURSERY" => {
                    use wasmc_gc::collector::{MAX_NURSERY, MIN_NURSERY};
                    c.gc.nursery = size_in(&k, &v, &v, "", MIN_NURSERY, MAX_NURSERY)?;
                }
                "WASMC_GC_STRESS_MAJOR" => c.gc.stress_major = Some(count(&k, &v)?),
                "WASMC_GC_AGING" => c.gc.aging = flag(&k, &v)?,
                "WASMC_GC_DROP_BARRIER" => c.gc.drop_barrier = Some(count(&k, &v)?.into()),
                "WASMC_GC_POISON" => c.gc.poison = flag(&k, &v)?,
                "WASMC_GC_VERIFY" => c.gc.verify = flag(&k, &v)?,
                "WASMC_GC_STATS" => c.gc.stats = flag(&k, &v)?,
                "WASMC_GC_TRACE" => c.gc.trace = flag(&k, &v)?,
                "WASMC_DETERMINISTIC" => c.deterministic = flag(&k, &v)?,
                "WASMC_MAX_THREADS" => {
                    c.max_threads = v
                        .parse::<u32>()
                        .ok()
                        .filter(|n| (1..=MAX_MAX_THREADS).contains(n))
                        .ok_or_else(|| {
                            bad_knob(
                                &k,
                                &v,
                                &format!("expected a count from 1 to {MAX_MAX_THREADS}"),
                            )
                        })?;
                }
                "WASMC_SCHED" => {
                    c.sched.kind = match v.as_str() {
                        "random" => SchedKind::Random,
                        "pct" => SchedKind::Pct,
                        "rr" => SchedKind::RoundRobin,
                        _ => return Err(bad_knob(&k, &v, "expected random, pct or rr")),
                    }
                }
                "WASMC_SCHED_SEED" => {
                    c.sched.seed = v
                        .parse::<u64>()
                        .map_err(|_| bad_knob(&k, &v, "expected a number from 0 to 2^64-1"))?;
                }
                "WASMC_SCHED_DEPTH" => {
                    c.sched.depth = v
                        .parse::<u32>()
                        .ok()
                        .filter(|d| (1..=64).contains(d))
                        .ok_or_else(|| bad_knob(&k, &v, "expected a depth from 1 to 64"))?;
                }
                "WASMC_SCHED_STEPS" => c.sched.steps = count(&k, &v)?.into(),
                "WASMC_SCHED_TRACE" => {
                    let t = crate::sched::parse_trace(&v).map_err(|e| bad_knob(&k, &v, &e))?;
                    c.sched.trace = Some(t);
                }
                "WASMC_SCHED_PREEMPTION_BOUND" => {
                    c.sched.preemption_bound = Some(match v.as_str() {
                        "none" => None,
                        _ => Some(v.parse::<u32>().map_err(|_| {
                            bad_knob(&k, &v, "expected a count from 0 to 4294967295, or none")
                        })?),
                    });
                }
                "WASMC_MODEL_CHECK" => c.model_check = flag(&k, &v)?,
                "WASMC_MC_MAX_RUNS" => c.mc.max_runs = Some(count(&k, &v)?.into()),
                "WASMC_MC_TIME_LIMIT" => c.mc.time_limit = Some(seconds(&k, &v)?),
                "WASMC_MC_RUN_TIMEOUT" => c.mc.run_timeout = seconds(&k, &v)?,
                "WASMC_MC_EXPECT_STATUS" => {
                    c.mc.expect_status =
                        v.parse::<i32>().ok().filter(|s| (0..=255).contains(s)).ok_or_else(
                            || bad_knob(&k, &v, "expected an exit status from 0 to 255"),
                        )?;
                }
                "WASMC_MC_STOP_ON_FAILURE" => c.mc.stop_on_failure = flag(&k, &v)?,
                "WASMC_MC_SHARD" => c.mc.shard = shard(&k, &v)?,
                "WASMC_MC_JOBS" => {
                    c.mc.jobs = v
                        .parse::<u32>()
                        .ok()
                        .filter(|n| (1..=256).contains(n))
                        .ok_or_else(|| bad_knob(&k, &v, "expected a count from 1 to 256"))?;
                }
                "WASMC_MC_REPORT" => c.mc.report = Some(v),
                "WASMC_MC_REPLAY" => c.mc.replay = Some(v),
                "WASMC_STACK_SIZE" => {
                    c.stack_size = size_in(&k, &v, &v, "", MIN_STACK_SIZE, MAX_STACK_SIZE)?;
                }
                _ => {}
            }
        }
        c.env.sort();
        if c.model_check {
            c.deterministic = true;
        }
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_knobs() {
        let vars = [
            ("WASMC_PREOPEN", "a;b::/guest"),
            ("WASMC_ENV_X", "1=2"),
            ("WASMC_INVOKE", "f"),
            ("WASMC_STACK_SIZE", "1048576"),
            ("OTHER", "y"),
        ];
        let c = RuntimeConfig::from_vars(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())))
            .unwrap();
        assert_eq!(c.preopens, vec![("a".into(), "a".into()), ("b".into(), "/guest".into())]);
        assert_eq!(c.env, vec![b"X=1=2".to_vec()]);
        assert_eq!(c.invoke.as_deref(), Some("f"));
        assert_eq!(c.stack_size, 1 << 20);
        let bad = [("WASMC_STACK_SIZE".to_string(), "lots".to_string())];
        assert!(RuntimeConfig::from_vars(bad.into_iter()).is_err());
        let gc = [("WASMC_GC_HEAP", "1M:64M"), ("WASMC_GC_STRESS", "3"), ("WASMC_GC_POISON", "1")];
        let c = RuntimeConfig::from_vars(gc.iter().map(|(k, v)| (k.to_string(), v.to_string())))
            .unwrap();
        assert_eq!(
            (c.gc.initial, c.gc.max, c.gc.stress, c.gc.poison),
            (1 << 20, 64 << 20, Some(3), true)
        );
        let knobs =
            [("WASMC_GC", "semispace"), ("WASMC_GC_NURSERY", "2M"), ("WASMC_GC_STRESS_MAJOR", "5")];
        let c = RuntimeConfig::from_vars(knobs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
            .unwrap();
        assert_eq!(
            (c.gc.kind, c.gc.nursery, c.gc.stress_major, c.gc.aging),
            (wasmc_gc::CollectorKind::Semispace, 2 << 20, Some(5), true)
        );
        let c = RuntimeConfig::from_vars([("WASMC_GC_AGING".into(), "0".into())].into_iter());
        assert_eq!(c.map(|c| c.gc.aging), Ok(false));
        let bad = [("WASMC_GC_HEAP".to_string(), "64M:1M".to_string())];
        assert!(RuntimeConfig::from_vars(bad.into_iter()).is_err());
    }

    fn error_of(k: &str, v: &str) -> String {
        RuntimeConfig::from_vars([(k.to_string(), v.to_string())].into_iter())
            .expect_err("the value is out of range")
    }

    /// Issue 11: `WASMC_STACK_SIZE=usize::MAX` overflowed `stack_size + HOST_STACK` and
    /// switched the stack check off.
    #[test]
    fn issue_11_stack_size_is_range_checked() {
        let e = error_of("WASMC_STACK_SIZE", "18446744073709551615");
        assert_eq!(
            e,
            "WASMC_STACK_SIZE=18446744073709551615: expected a byte count from 65536 (64K) to \
             4294967296 (4G), K/M/G/T suffixes allowed"
        );
        for v in ["18446744073709551616", "4294967297", "65535", "-1", "0x10000", "16E", "k", ""] {
            assert!(error_of("WASMC_STACK_SIZE", v).starts_with("WASMC_STACK_SIZE="), "{v}");
        }
        let ok = |v: &str| {
            RuntimeConfig::from_vars([("WASMC_STACK_SIZE".to_string(), v.to_string())].into_iter())
                .unwrap()
                .stack_size
        };
        assert_eq!(ok("64K"), 65536);
        assert_eq!(ok("4G"), MAX_STACK_SIZE);
        assert!(MAX_STACK_SIZE.checked_add(HOST_STACK).is_some());
    }

    #[test]
    fn issue_11_every_knob_is_range_checked() {
        let cases = [
            ("WASMC_GC_HEAP", "16E", "from 4096 (4K) to 1099511627776 (1T)"),
            ("WASMC_GC_HEAP", "1M:2T", "from 4096 (4K) to 1099511627776 (1T)"),
            ("WASMC_GC_HEAP", "18446744073709551615", "byte count"),
            ("WASMC_GC_HEAP", "1K", "from 4096 (4K)"),
            ("WASMC_GC_HEAP", "2M:1M", "INITIAL is larger than MAX"),
            ("WASMC_GC_STRESS", "0", "from 1 to 4294967295"),
            ("WASMC_GC_STRESS", "4294967296", "from 1 to 4294967295"),
            ("WASMC_GC_POISON", "2", "expected 0 or 1"),
            ("WASMC_GC", "copying", "expected generational or semispace"),
            ("WASMC_GC_NURSERY", "64K", "from 262144 (256K) to 1073741824 (1G)"),
            ("WASMC_GC_STRESS_MAJOR", "0", "from 1 to 4294967295"),
            ("WASMC_GC_DROP_BARRIER", "x", "from 1 to 4294967295"),
            ("WASMC_GC_VERIFY", "on", "expected 0 or 1"),
            ("WASMC_GC_AGING", "on", "expected 0 or 1"),
            ("WASMC_GC_STATS", "11", "expected 0 or 1"),
            ("WASMC_DETERMINISTIC", "maybe", "expected 0 or 1"),
            ("WASMC_MAX_THREADS", "0", "from 1 to 65536"),
            ("WASMC_MAX_THREADS", "65537", "from 1 to 65536"),
            ("WASMC_SCHED", "fifo", "expected random, pct or rr"),
            ("WASMC_SCHED_SEED", "-1", "from 0 to 2^64-1"),
            ("WASMC_SCHED_DEPTH", "0", "from 1 to 64"),
            ("WASMC_SCHED_TRACE", "1.x", "is not a choice"),
            ("WASMC_SCHED_PREEMPTION_BOUND", "two", "or none"),
            ("WASMC_MC_SHARD", "2/2", "0 <= I < N"),
            ("WASMC_MC_RUN_TIMEOUT", "0", "positive number of seconds"),
            ("WASMC_MC_JOBS", "0", "from 1 to 256"),
            ("WASMC_MC_EXPECT_STATUS", "256", "from 0 to 255"),
        ];
        for (k, v, allowed) in cases {
            let e = error_of(k, v);
            assert!(e.starts_with(&format!("{k}={v}: ")) && e.contains(allowed), "{e}");
            assert!(!e.contains('\n'));
        }
        // A value that is not ours is escaped in the message.
        assert_eq!(
            error_of("WASMC_GC_POISON", "\x1b[2J"),
            "WASMC_GC_POISON=\\u{1b}[2J: expected 0 or 1"
        );
        let c = RuntimeConfig::from_vars([("WASMC_GC_HEAP".into(), "1T".into())].into_iter());
        assert_eq!(c.map(|c| (c.gc.initial, c.gc.max)), Ok((1 << 40, 1 << 40)));
    }
}
