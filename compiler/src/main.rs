//! The `wasmc` command.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use wasmc::cache::{Artifact, Cache, Key};
use wasmc::{Config, OptLevel, link};
use wasmc_abi::printable::{Printable, escape_line};

const ENV_HELP: &str = "\
ENVIRONMENT (wasmc):
  CC                   C compiler driver used to link executables (default: cc)
  WASMC_RUNTIME_LIB    a runtime staticlib (libwasmc_runtime.a) to link instead of the one
                       built into wasmc
  WASMC_CACHE          0 or 1: the compilation cache of `wasmc run` and `wasmc --cache`
                       (default 1; `wasmc run --no-cache` also switches it off)
  WASMC_CACHE_DIR      where the cache lives (default $XDG_CACHE_HOME/wasmc, else
                       ~/.cache/wasmc; created with mode 0700). Refused (exit 1) if it or
                       a directory above it is owned by another user or writable by others
                       (above it, sticky directories such as /tmp are fine)
  WASMC_CACHE_MAX      total bytes of cache entries; least recently used ones are removed
                       beyond it (default 1G)

ENVIRONMENT (programs built by wasmc, and `wasmc run`):
  WASMC_PREOPEN        directories the program may open: HOST[::GUEST] entries separated
                       by ';' (GUEST defaults to HOST); `wasmc run --dir` sets it
  WASMC_ENV_<NAME>     the program sees the environment variable NAME with this value;
                       `wasmc run --env NAME=VALUE` sets it. No other variable is passed.
  WASMC_INVOKE         call this export instead of `_start`; the program's arguments are
                       parsed as its parameters and its results are printed
  WASMC_STACK_SIZE     bytes of stack for Wasm code, 64K to 4G (default 8M)
  WASMC_GC_HEAP        INITIAL[:MAX] bytes per GC semispace, each 4K to 1T (default 16M:2G);
                       allocation beyond MAX traps with `out of memory`. Reserved (2 x MAX
                       of address space) only when the program allocates GC objects
  WASMC_GC_STRESS      N from 1 to 4294967295: collect at every N-th allocation
  WASMC_GC_POISON      0 or 1: poison and protect from-space after each collection
  WASMC_GC_VERIFY      0 or 1: verify the heap before and after each collection
  WASMC_GC_STATS       0 or 1: print collector statistics to stderr at exit
  WASMC_DETERMINISTIC  0 or 1: virtual WASI clocks, fixed random bytes, and the threads of a
                       wasi-threads program one at a time under the deterministic scheduler
  WASMC_SCHED          pct (default), random or rr: the scheduler's policy
  WASMC_SCHED_SEED     N: the seed of its choices and of random_get (default 0)
  WASMC_SCHED_DEPTH    PCT's bug depth, 1 to 64 (default 3)
  WASMC_SCHED_STEPS    PCT: points the change points are drawn from (default 10000)
  WASMC_SCHED_TRACE    replay this trace of a model-checking report
  WASMC_SCHED_PREEMPTION_BOUND  K or none (default: none; 2 for the model checker)
  WASMC_MODEL_CHECK    0 or 1: explore the program's schedules, report to stdout
  WASMC_MC_*           the model checker's knobs: MAX_RUNS, TIME_LIMIT, RUN_TIMEOUT,
                       EXPECT_STATUS, STOP_ON_FAILURE, SHARD (I/N), JOBS, REPORT (a JSON
                       file), REPLAY (the replay command, {trace} for the trace)
  Sizes take K/M/G/T suffixes (powers of 1024). A value out of range is an error (exit 1).

OUTPUT FILES:
  Written atomically (temporary file in the same directory, then rename; one left by a
  killed wasmc is removed by the next write there). A symbolic link
  is followed. wasmc refuses to write over the input file (the same file under any name)
  and never replaces an existing file that is not a regular file (a device, a directory).

EXIT STATUS:
  wasmc: 0 on success, 1 on invalid input or any other error.
  wasmc run: the program's own (it becomes the program: same process, same signals);
  with --model-check or --merge, 0 if no run failed, 1 if one did or on an error.
  programs: the WASI exit status; 134 after a Wasm trap (as `wasmtime run`); 1 if the
  program cannot start (bad WASMC_* value, address space refused, `_start` of the wrong
  type, unknown WASMC_INVOKE export or bad arguments for it).";

/// Ahead-of-time compiler from WebAssembly to native executables.
#[derive(Parser)]
#[command(
    name = "wasmc",
    version,
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    after_help = ENV_HELP
)]
struct Cli {
    /// Print the path of the runtime library that executables are linked with, for linking
    /// objects from `wasmc -c` by hand: the library built into this wasmc, written into
    /// the cache directory's `runtime/` (see WASMC_CACHE_DIR) on first use, or
    /// WASMC_RUNTIME_LIB when set.
    #[arg(long, exclusive = true)]
    print_runtime_lib: bool,
    /// Print the directory holding `wasmc.h`, the header of the C embedding API that the
    /// runtime library implements (written beside it in the cache directory on first use).
    #[arg(long, exclusive = true)]
    print_include_dir: bool,
    #[command(subcommand)]
    command: Option<Cmd>,
    #[command(flatten)]
    compile: CompileArgs,
}

#[derive(Subcommand)]
enum Cmd {
    /// Compile a module and run it in this process (executed from memory: no file is left);
    /// exits with its status, or dies of its signal.
    Run(RunArgs),
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Emit {
    /// Print the CLIF of every function (to stdout, or to the -o file).
    Clif,
    /// Write a relocatable object (same as -c).
    Obj,
    /// Write a linked executable (the default).
    Exe,
    /// Write a typed C header for the module (one function per export, on top of
    /// wasmc.h; see --print-include-dir), named after --module-name like the object.
    Header,
}

#[derive(Args)]
struct CodegenArgs {
    /// Optimisation level: 0 (none) or 1/2/3 (Cranelift `speed`).
    #[arg(short = 'O', value_name = "LEVEL", default_value = "2",
          value_parser = ["0", "1", "2", "3"])]
    opt: String,
    /// Threads that compile the module's functions (default: one per core, or
    /// RAYON_NUM_THREADS). The output does not depend on it.
    #[arg(short = 'j', long = "jobs", value_name = "N",
          value_parser = clap::value_parser!(u16).range(1..=1024))]
    jobs: Option<u16>,
    /// Target triple; only x86_64-unknown-linux-gnu is supported.
    #[arg(long, value_name = "TRIPLE")]
    target: Option<String>,
    /// Treat every call as a safepoint (switch the may-GC call-graph analysis off).
    #[arg(long)]
    no_gc_analysis: bool,
    /// Debug information: translate the module's DWARF line tables (from `clang -g` and
    /// the like) to the native code, so that gdb and perf show source lines and trap
    /// backtraces show `file:line`. A module without DWARF compiles with a warning
    #[arg(short = 'g')]
    debug_info: bool,
    /// Print the safepoint spiller's counts for the module to stderr: safepoints, spill
    /// slots, spills, reloads.
    #[arg(long)]
    stats: bool,
    /// Link every function import that nothing provides (neither WASI nor wasi-threads) as
    /// a function that traps with `unknown import MODULE.NAME called` when called, as
    /// Wasmtime's `-W unknown-imports-trap=y` does; without it such an import stops the
    /// program before it starts, naming every missing import.
    #[arg(long)]
    trap_unknown_imports: bool,
    /// Debug: skip the spiller's alias resolution (miscompiles; demonstrates Wasmtime
    /// #13228).
    #[arg(long, hide = true)]
    debug_no_alias_resolution: bool,
    /// Debug: the spiller leaves the first entry out of every stack map (miscompiles; a
    /// planted bug for the fuzz oracles' self-tests).
    #[arg(long, hide = true)]
    debug_drop_stack_map_entry: bool,
    /// Debug: emit no GC write barriers (miscompiles under the generational collector; a
    /// planted bug its verifier must catch).
    #[arg(long, hide = true)]
    debug_drop_write_barriers: bool,
    /// Debug: force the lean compilation pipeline (`true`: functions translated twice, CLIF
    /// not kept) or the other (`false`); by default large modules go lean.
    #[arg(long, hide = true)]
    debug_lean: Option<bool>,
    /// Debug: check every function after the spiller with an independent oracle
    /// (`wasmc::safepoints::verify`); a violation is a compile error.
    #[arg(long, hide = true)]
    debug_verify_spills: bool,
}

impl CodegenArgs {
    fn config(&self, executable: bool, input: &Path) -> Config {
        Config {
            threads: self.jobs.map(usize::from),
            module_name: input.file_stem().map(|s| s.to_string_lossy().into_owned()),
            opt_level: if self.opt == "0" { OptLevel::None } else { OptLevel::Speed },
            target: self.target.clone(),
            executable,
            no_gc_analysis: self.no_gc_analysis,
            no_alias_resolution: self.debug_no_alias_resolution,
            drop_stack_map_entry: self.debug_drop_stack_map_entry,
            drop_write_barriers: self.debug_drop_write_barriers,
            verify_spills: self.debug_verify_spills,
            debug_info: self.debug_info,
            lean: self.debug_lean,
            descriptor_name: input.file_stem().map(|s| s.to_string_lossy().into_owned()),
            trap_unknown_imports: self.trap_unknown_imports,
        }
    }

    /// Prints `stats` for `input` if `--stats` was given.
    fn report(&self, input: &Path, compiled: &wasmc::Compiled) {
        for w in &compiled.warnings {
            eprintln!("wasmc: warning: {}: {}", escape_line(&input.display().to_string()), w);
        }
        let stats = &compiled.stats;
        if self.stats {
            eprintln!(
                "wasmc: stats: {}: safepoints {}, spill slots {}, spills {}, reloads {} \
                 (may-GC analysis {})",
                escape_line(&input.display().to_string()),
                stats.safepoints,
                stats.slots,
                stats.spills,
                stats.reloads,
                if self.no_gc_analysis { "off" } else { "on" }
            );
        }
    }
}

/// Which CLIF `--emit clif` prints.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum ClifStage {
    /// As the translator produces it.
    Translate,
    /// After the safepoint spiller.
    Spill,
    /// After the spiller and Cranelift's mid-end optimisations.
    Optimize,
}

#[derive(Args)]
struct CompileArgs {
    /// Input module: binary `.wasm` or text `.wat`.
    #[arg(required = true)]
    input: Option<PathBuf>,
    /// Output file (default: the input's name without extension, or with `.o` for -c, `.h`
    /// for `--emit header`; for `--emit clif`, stdout). Never the input file, never a non-regular file.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Only compile: write an ELF object instead of linking an executable.
    #[arg(short = 'c')]
    object_only: bool,
    /// What to produce.
    #[arg(long, value_enum)]
    emit: Option<Emit>,
    /// Take the object or executable from the compilation cache when this module was
    /// built before with the same flags and the same wasmc, and store it there otherwise
    /// (see WASMC_CACHE_DIR).
    #[arg(long)]
    cache: bool,
    /// The module's name for its descriptor symbol, `wasmc_module_NAME`, through which a
    /// host program that links the object finds the module (default: the input file's
    /// name without extension, characters other than letters, digits and `_` replaced by
    /// `_`). Objects of modules with different names link into one program; the
    /// descriptor is their only global symbol.
    #[arg(long, value_name = "NAME", value_parser = parse_module_name)]
    module_name: Option<String>,
    /// With `--emit clif`: after which pass to print the CLIF.
    #[arg(long, value_enum, default_value = "translate")]
    clif_stage: ClifStage,
    #[command(flatten)]
    codegen: CodegenArgs,
}

#[derive(Args)]
struct RunArgs {
    /// Preopen directory HOST, visible to the program as GUEST (default: HOST).
    #[arg(long = "dir", value_name = "HOST[::GUEST]")]
    dirs: Vec<String>,
    /// Pass environment variable NAME=VALUE to the program.
    #[arg(long = "env", value_name = "NAME=VALUE")]
    envs: Vec<String>,
    /// Call this export instead of `_start`; ARGS are its parameters.
    #[arg(long, value_name = "NAME")]
    invoke: Option<String>,
    /// Compile and link even if the compilation cache holds this module, and store nothing
    /// (same as WASMC_CACHE=0).
    #[arg(long)]
    no_cache: bool,
    #[command(flatten)]
    codegen: CodegenArgs,
    #[command(flatten)]
    sched: SchedArgs,
    /// The module to run.
    #[arg(required_unless_present = "merge")]
    input: Option<PathBuf>,
    /// Arguments for the program.
    #[arg(last = true)]
    args: Vec<String>,
}

/// The deterministic scheduler and the model checker (issue 29; README "Deterministic
/// runs and model checking"). Each flag sets the `WASMC_*` variable named in its help,
/// which a program built by wasmc reads the same way.
#[derive(Args)]
#[command(next_help_heading = "Deterministic runs and model checking")]
struct SchedArgs {
    /// Run deterministically: virtual clocks, fixed random bytes, and the threads of a
    /// wasi-threads program one at a time under the scheduler (WASMC_DETERMINISTIC=1).
    #[arg(long)]
    deterministic: bool,
    /// With --deterministic: how the scheduler picks the next thread (WASMC_SCHED;
    /// default pct).
    #[arg(long, value_name = "POLICY", value_parser = ["random", "pct", "rr"])]
    sched: Option<String>,
    /// With --deterministic: the seed of the scheduler's choices and of random_get's
    /// bytes (WASMC_SCHED_SEED, default 0).
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// With --sched pct: the bug depth, 1 to 64 (WASMC_SCHED_DEPTH, default 3).
    #[arg(long, value_name = "D", value_parser = clap::value_parser!(u32).range(1..=64))]
    pct_depth: Option<u32>,
    /// Replay the run of this trace, as a model-checking report prints it (implies
    /// --deterministic; WASMC_SCHED_TRACE). Give the --preemption-bound of the search.
    #[arg(long, value_name = "TRACE", value_parser = parse_trace_arg, conflicts_with = "model_check")]
    trace: Option<String>,
    /// Explore the program's schedules (every choice at every scheduling point, depth
    /// first, by replay) and report the outcomes and failures; exit status 1 if a run
    /// failed (WASMC_MODEL_CHECK=1). --jobs also sets the worker processes.
    #[arg(long)]
    model_check: bool,
    /// Most preemptions per run: a count, or `none` for no bound (default: 2 with
    /// --model-check, none otherwise; WASMC_SCHED_PREEMPTION_BOUND).
    #[arg(long, value_name = "K", value_parser = parse_bound_arg)]
    preemption_bound: Option<String>,
    /// Stop after N runs (WASMC_MC_MAX_RUNS).
    #[arg(long, value_name = "N", requires = "model_check",
          value_parser = clap::value_parser!(u32).range(1..))]
    max_runs: Option<u32>,
    /// Stop after S seconds (WASMC_MC_TIME_LIMIT).
    #[arg(long, value_name = "S", requires = "model_check", value_parser = parse_seconds_arg)]
    time_limit: Option<String>,
    /// A run longer than S seconds fails as a livelock (default 10; WASMC_MC_RUN_TIMEOUT).
    #[arg(long, value_name = "S", requires = "model_check", value_parser = parse_seconds_arg)]
    run_timeout: Option<String>,
    /// The exit status of a passing run (default 0; WASMC_MC_EXPECT_STATUS).
    #[arg(long, value_name = "N", requires = "model_check",
          value_parser = clap::value_parser!(u8))]
    expect_status: Option<u8>,
    /// End the search at the first failing run (WASMC_MC_STOP_ON_FAILURE=1).
    #[arg(long, requires = "model_check")]
    stop_on_failure: bool,
    /// Explore only shard I of N, a deterministic part of the tree; the shards' reports
    /// merge with --merge (WASMC_MC_SHARD).
    #[arg(long, value_name = "I/N", requires = "model_check", value_parser = parse_shard_arg)]
    shard: Option<String>,
    /// Also write the report as JSON to FILE, atomically (WASMC_MC_REPORT); with --merge,
    /// the merged report.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Merge the JSON reports of a search's shards and print the result (no module is
    /// run); exit status 1 if a run failed.
    #[arg(long, value_name = "REPORT", num_args = 1.., conflicts_with_all = ["model_check", "trace", "deterministic"])]
    merge: Vec<PathBuf>,
}

fn parse_trace_arg(s: &str) -> Result<String, String> {
    wasmc_abi::mc::parse_trace(s).map(|_| s.to_string())
}

fn parse_bound_arg(s: &str) -> Result<String, String> {
    if s == "none" || s.parse::<u32>().is_ok() {
        Ok(s.to_string())
    } else {
        Err("expected a count from 0 to 4294967295, or none".into())
    }
}

fn parse_seconds_arg(s: &str) -> Result<String, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v < 1e9 => Ok(s.to_string()),
        _ => Err("expected a positive number of seconds".into()),
    }
}

fn parse_shard_arg(s: &str) -> Result<String, String> {
    let ok = s
        .split_once('/')
        .and_then(|(i, n)| Some((i.parse::<u32>().ok()?, n.parse::<u32>().ok()?)))
        .is_some_and(|(i, n)| (1..=65536).contains(&n) && i < n);
    if ok { Ok(s.to_string()) } else { Err("expected I/N with 0 <= I < N <= 65536".into()) }
}

impl SchedArgs {
    /// The `WASMC_*` variables these flags set for the program.
    fn env(&self, jobs: Option<u16>) -> Vec<(String, String)> {
        let mut env = Vec::new();
        let mut set = |k: &str, v: String| env.push((k.to_string(), v));
        if self.deterministic || self.trace.is_some() {
            set("WASMC_DETERMINISTIC", "1".into());
        }
        if let Some(v) = &self.sched {
            set("WASMC_SCHED", v.clone());
        }
        if let Some(v) = self.seed {
            set("WASMC_SCHED_SEED", v.to_string());
        }
        if let Some(v) = self.pct_depth {
            set("WASMC_SCHED_DEPTH", v.to_string());
        }
        if let Some(v) = &self.trace {
            set("WASMC_SCHED_TRACE", v.clone());
        }
        if let Some(v) = &self.preemption_bound {
            set("WASMC_SCHED_PREEMPTION_BOUND", v.clone());
        }
        if self.model_check {
            set("WASMC_MODEL_CHECK", "1".into());
            if let Some(j) = jobs {
                set("WASMC_MC_JOBS", j.min(256).to_string());
            }
        }
        if let Some(v) = self.max_runs {
            set("WASMC_MC_MAX_RUNS", v.to_string());
        }
        if let Some(v) = &self.time_limit {
            set("WASMC_MC_TIME_LIMIT", v.clone());
        }
        if let Some(v) = &self.run_timeout {
            set("WASMC_MC_RUN_TIMEOUT", v.clone());
        }
        if let Some(v) = self.expect_status {
            set("WASMC_MC_EXPECT_STATUS", v.to_string());
        }
        if self.stop_on_failure {
            set("WASMC_MC_STOP_ON_FAILURE", "1".into());
        }
        if let Some(v) = &self.shard {
            set("WASMC_MC_SHARD", v.clone());
        }
        if self.model_check
            && let Some(v) = &self.report
        {
            set("WASMC_MC_REPORT", v.to_string_lossy().into_owned());
        }
        env
    }
}

/// The command that replays a trace of this `wasmc run --model-check`: this command line
/// with the search's flags replaced by `--trace {trace} --preemption-bound K`.
fn replay_template(bound: &str) -> String {
    const WITH_VALUE: [&str; 8] = [
        "--max-runs",
        "--preemption-bound",
        "--time-limit",
        "--run-timeout",
        "--expect-status",
        "--shard",
        "--report",
        "--trace",
    ];
    const ALONE: [&str; 2] = ["--model-check", "--stop-on-failure"];
    let args: Vec<String> = std::env::args().collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    let mut after_dashes = false;
    let mut inserted = false;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if after_dashes {
            out.push(a.clone());
            continue;
        }
        if a == "--" {
            after_dashes = true;
            out.push(a.clone());
            continue;
        }
        let name = a.split('=').next().unwrap_or_default();
        if ALONE.contains(&a.as_str()) {
            continue;
        }
        if WITH_VALUE.contains(&name) {
            if !a.contains('=') {
                i += 1;
            }
            continue;
        }
        out.push(a.clone());
        if a == "run" && !inserted {
            inserted = true;
            out.push("--trace".into());
            out.push("{trace}".into());
            out.push("--preemption-bound".into());
            out.push(bound.to_string());
        }
    }
    out.iter()
        .map(|a| {
            if a == "{trace}" {
                // A trace holds `*`: quoted, so no shell expands it.
                format!("'{a}'")
            } else {
                shlex::try_quote(a).map(|q| q.into_owned()).unwrap_or_else(|_| a.clone())
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `wasmc run --merge`: prints the merged report of the shards; 1 if a run failed.
fn merge_reports(args: &RunArgs) -> Result<u8> {
    let mut reports = Vec::new();
    for p in &args.sched.merge {
        let bytes = std::fs::read(p).with_context(|| format!("cannot read {}", p.display()))?;
        let r = wasmc_abi::mc::Report::from_json(&bytes)
            .map_err(|e| anyhow::anyhow!("{}: not a model-checking report: {e}", p.display()))?;
        reports.push(r);
    }
    let merged = wasmc_abi::mc::Report::merge(reports).map_err(anyhow::Error::msg)?;
    print!("{}", merged.render());
    if let Some(out) = &args.sched.report {
        link::write_atomically(out, &merged.to_json())?;
    }
    Ok(if merged.failures.is_empty() { 0 } else { 1 })
}

fn main() -> ExitCode {
    // Allocations of 1 MiB and more get their own mapping, returned to the system when
    // freed. glibc's default threshold rises with every large block freed, after which
    // such blocks (a chunk's machine code, the object's sections as they grow) stay in the
    // heap: a tenth more peak memory on large modules (issue 13).
    // SAFETY: `mallopt` only changes allocator parameters; no allocation is in progress on
    // another thread (none has been started yet).
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
    let cli = Cli::parse();
    let result = match cli.command {
        _ if cli.print_runtime_lib => print_runtime_lib().map(|()| 0),
        _ if cli.print_include_dir => print_include_dir().map(|()| 0),
        Some(Cmd::Run(run)) => run_module(&run),
        None => compile_file(&cli.compile).map(|()| 0),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("wasmc: error: {}", escape_line(&one_line(&e)));
            ExitCode::from(1)
        }
    }
}

/// `--module-name`: a C identifier (letters, digits and `_`, not starting with a digit), at
/// most 200 characters, so that `wasmc_module_NAME` is the symbol a C program declares.
fn parse_module_name(s: &str) -> Result<String, String> {
    let ok = !s.is_empty()
        && s.len() <= 200
        && !s.starts_with(|c: char| c.is_ascii_digit())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        Ok(s.to_string())
    } else {
        Err("expected a C identifier: ASCII letters, digits and `_`, not starting with a digit, at most 200 characters".into())
    }
}

/// The cache's `runtime/` directory, where `--print-runtime-lib` and `--print-include-dir`
/// write their files; `flag` names the option for the error when the cache is off.
/// The directory is created (mode 0700) and must be trusted ([`Cache::prepare`]): the
/// library printed is what programs get linked with.
fn runtime_dir(flag: &str) -> Result<PathBuf> {
    let runtime = Cache::from_env()
        .map_err(anyhow::Error::msg)?
        .with_context(|| {
            format!("{flag} writes into the cache directory, which WASMC_CACHE=0 switches off")
        })?
        .runtime_objects();
    runtime.prepare()?;
    Ok(runtime.dir().to_path_buf())
}

/// `wasmc --print-runtime-lib`.
fn print_runtime_lib() -> Result<()> {
    let dir = match std::env::var_os("WASMC_RUNTIME_LIB") {
        // Not written anywhere: the directory does not matter.
        Some(_) => PathBuf::new(),
        None => runtime_dir("--print-runtime-lib")?,
    };
    let path = link::runtime_lib_file(&dir)?;
    println!("{}", path.display());
    Ok(())
}

/// `wasmc --print-include-dir`.
fn print_include_dir() -> Result<()> {
    let dir = link::include_dir(&runtime_dir("--print-include-dir")?)?;
    println!("{}", dir.display());
    Ok(())
}

fn one_line(e: &anyhow::Error) -> String {
    let parts: Vec<String> = e.chain().map(|c| c.to_string()).collect();
    parts.join(": ")
}

fn read_module(path: &Path) -> Result<Vec<u8>> {
    let bytes = std::fs::read(path).with_context(|| format!("{}", path.display()))?;
    let wasm = wasmc::wasm_bytes(&bytes).with_context(|| format!("{}", path.display()))?;
    Ok(wasm.into_owned())
}

fn compile_file(args: &CompileArgs) -> Result<()> {
    let input = args.input.as_ref().expect("clap requires INPUT");
    let emit = match (args.emit, args.object_only) {
        (Some(e), _) => e,
        (None, true) => Emit::Obj,
        (None, false) => Emit::Exe,
    };
    // Where the output goes is settled (and refused if it is the input or not a regular
    // file) before any work is done.
    let out = match (emit, &args.output) {
        (_, Some(o)) => Some(o.clone()),
        (Emit::Clif, None) => None,
        (Emit::Obj, None) => Some(input.with_extension("o")),
        (Emit::Exe, None) => Some(input.with_extension("")),
        (Emit::Header, None) => Some(input.with_extension("h")),
    };
    let out = out.map(|o| link::output_path(input, &o)).transpose()?;
    let wasm = read_module(input)?;
    let mut config = args.codegen.config(emit == Emit::Exe, input);
    if let Some(name) = &args.module_name {
        config.descriptor_name = Some(name.clone());
    }
    if emit == Emit::Clif {
        let stage = match args.clif_stage {
            ClifStage::Translate => wasmc::Stage::Translate,
            ClifStage::Spill => wasmc::Stage::Spill,
            ClifStage::Optimize => wasmc::Stage::Optimize,
        };
        let funcs =
            wasmc::clif(&wasm, &config, stage).with_context(|| format!("{}", input.display()))?;
        // Function names come from the module: escaped, so they cannot forge CLIF lines.
        let text: String = funcs
            .iter()
            .map(|(name, clif)| format!(";; function {}\n{clif}\n", Printable(name)))
            .collect();
        match &out {
            Some(out) => link::write_atomically(out, text.as_bytes())?,
            None => {
                use std::io::Write;
                std::io::stdout().lock().write_all(text.as_bytes()).context("stdout")?;
            }
        }
        return Ok(());
    }
    let out = out.expect("every mode but --emit clif has an output file");
    if emit == Emit::Header {
        let name = config.descriptor_name.as_deref().unwrap_or("module");
        let header =
            wasmc::header::c_header(&wasm, name).with_context(|| format!("{}", input.display()))?;
        link::write_atomically(&out, header.as_bytes())?;
        return Ok(());
    }
    let cache = if args.cache { open_cache(&args.codegen)? } else { None };
    let lib = if emit == Emit::Exe { Some(link::runtime_lib()?) } else { None };
    let artifact = if emit == Emit::Exe { Artifact::Executable } else { Artifact::Object };
    if let Some(cache) = &cache {
        let key = Key::new(&wasm, &config, artifact, lib.as_ref())?;
        let bytes = match cache.get(&key) {
            Some(bytes) => bytes,
            None => {
                let runtime = cache.runtime_objects();
                let bytes =
                    build(input, &wasm, &config, &args.codegen, lib.as_ref(), Some(&runtime))?;
                store(cache, &key, &bytes);
                bytes
            }
        };
        link::write_output(&out, &bytes, emit == Emit::Exe)?;
        return Ok(());
    }
    let compiled =
        wasmc::compile(&wasm, &config).with_context(|| format!("{}", input.display()))?;
    args.codegen.report(input, &compiled);
    match &lib {
        None => link::write_atomically(&out, &compiled.object)?,
        Some(lib) => {
            let cache = runtime_cache();
            link::link_executable(&compiled.object, lib, cache.as_ref(), config.debug_info, &out)?
        }
    }
    Ok(())
}

/// The compilation cache the environment asks for, or `None` when it is off; `--stats`
/// (a report of the compilation itself) switches it off too.
fn open_cache(codegen: &CodegenArgs) -> Result<Option<Cache>> {
    if codegen.stats {
        return Ok(None);
    }
    Cache::from_env().map_err(anyhow::Error::msg)
}

/// Stores `bytes` in `cache`; a cache that cannot be written is reported and skipped (the
/// build itself succeeded).
fn store(cache: &Cache, key: &Key, bytes: &[u8]) {
    if let Err(e) = cache.put(key, bytes) {
        eprintln!("wasmc: warning: not cached: {}", escape_line(&e.to_string()));
    }
}

/// Where links keep the linker command line they learn ([`link::link_executable`]):
/// [`Cache::runtime_objects`], even when `wasmc -o` itself does not cache; `None` when the
/// cache is switched off, or misconfigured or untrusted (with a warning: links then go
/// through the C compiler driver, which needs no cache).
fn runtime_cache() -> Option<Cache> {
    match Cache::from_env() {
        Ok(cache) => cache.map(|c| c.runtime_objects()),
        Err(e) => {
            eprintln!("wasmc: warning: {}; linking without the cache", escape_line(&e));
            None
        }
    }
}

/// Compiles `wasm` and, given the runtime library, links it: the object's or the
/// executable's bytes.
fn build(
    input: &Path,
    wasm: &[u8],
    config: &Config,
    codegen: &CodegenArgs,
    lib: Option<&link::RuntimeLib>,
    runtime_cache: Option<&Cache>,
) -> Result<Vec<u8>> {
    let compiled = wasmc::compile(wasm, config).with_context(|| format!("{}", input.display()))?;
    codegen.report(input, &compiled);
    let Some(lib) = lib else { return Ok(compiled.object) };
    // Locked while it lives; a run after a killed one removes it (issue 33).
    let tmp = std::env::temp_dir();
    let dir = wasmc::workdir::WorkDir::new_in(&tmp, "wasmc-build")
        .with_context(|| format!("temporary directory in {}", tmp.display()))?;
    let exe = dir.path().join("program");
    link::link_executable(&compiled.object, lib, runtime_cache, config.debug_info, &exe)?;
    drop(compiled);
    let image = std::fs::read(&exe).with_context(|| format!("{}", exe.display()))?;
    dir.close().context("removing the temporary directory")?;
    Ok(image)
}

/// `wasmc run`: takes the executable from the compilation cache, or compiles and links it
/// (in a temporary directory, removed before the program starts) and caches it; then
/// becomes the program ([`wasmc::exec`]). Returns only on error.
fn run_module(args: &RunArgs) -> Result<u8> {
    if !args.sched.merge.is_empty() {
        return merge_reports(args);
    }
    let input = args.input.as_deref().context("no module to run")?;
    let mut sched_env = args.sched.env(args.codegen.jobs);
    if args.sched.model_check {
        let bound = args.sched.preemption_bound.clone().unwrap_or_else(|| "2".into());
        sched_env.push(("WASMC_MC_REPLAY".into(), replay_template(&bound)));
    }
    if let Some(bad) = args.dirs.iter().find(|d| d.contains(';')) {
        anyhow::bail!("--dir {bad}: directory names may not contain ';'");
    }
    let mut envs = Vec::new();
    for kv in &args.envs {
        let (k, v) =
            kv.split_once('=').with_context(|| format!("--env {kv}: expected NAME=VALUE"))?;
        envs.push((format!("WASMC_ENV_{k}"), v.to_string()));
    }
    let wasm = read_module(input)?;
    let config = args.codegen.config(true, input);
    let lib = link::runtime_lib()?;
    let cache = if args.no_cache { None } else { open_cache(&args.codegen)? };
    let key = match &cache {
        Some(_) => Some(Key::new(&wasm, &config, Artifact::Executable, Some(&lib))?),
        None => None,
    };
    let configure = |cmd: &mut Command| {
        let arg0 = input.file_name().map(|n| n.to_os_string()).unwrap_or_default();
        std::os::unix::process::CommandExt::arg0(cmd, arg0);
        cmd.args(&args.args);
        for (k, _) in std::env::vars_os() {
            let k = k.to_string_lossy().into_owned();
            if k.starts_with("WASMC_ENV_") || k == "WASMC_PREOPEN" || k == "WASMC_INVOKE" {
                cmd.env_remove(&k);
            }
        }
        if !args.dirs.is_empty() {
            cmd.env("WASMC_PREOPEN", args.dirs.join(";"));
        }
        cmd.envs(envs.iter().map(|(k, v)| (k, v)));
        cmd.envs(sched_env.iter().map(|(k, v)| (k, v)));
        if let Some(name) = &args.invoke {
            cmd.env("WASMC_INVOKE", name);
        }
    };
    // A hit runs the checked entry in place: no copy of the executable is made.
    let hit = cache.as_ref().zip(key.as_ref()).and_then(|(c, k)| c.open(k));
    let image = match hit {
        Some((file, _)) => {
            drop(wasm);
            let error = wasmc::exec::exec_file(&file, configure);
            // Not executable in place (an entry of an older wasmc): from memory instead.
            let image = cache.as_ref().zip(key.as_ref()).and_then(|(c, k)| c.get(k));
            match image {
                Some(image) => image,
                None => return Err(error.into()),
            }
        }
        None => {
            // `--no-cache` stores nothing, not even the linker command line.
            let runtime = cache.as_ref().map(Cache::runtime_objects);
            let image = build(input, &wasm, &config, &args.codegen, Some(&lib), runtime.as_ref())?;
            if let Some((cache, key)) = cache.as_ref().zip(key.as_ref()) {
                store(cache, key, &image);
            }
            drop(wasm);
            image
        }
    };
    let error = wasmc::exec::exec_image(&image, configure);
    Err(error.into())
}
