//! `wasmc-wast`: runs WebAssembly spec test scripts through code compiled by wasmc.
//!
//! ```text
//! wasmc-wast [--suite DIR] [--skips FILE] [--jobs N] [PATH...]
//! ```
//!
//! Runs every `.wast` under the given paths (relative to the suite's `core/`; default: all
//! of `core/` and `../legacy/`, whose legacy exception-handling scripts go through WABT's
//! `wast2json`: see `wasmc_filetests::legacy`; and the threads scripts vendored in
//! `filetests/threads-testsuite/`, named `threads-testsuite/...`),
//! each in its own child process and several at once, then prints a table of passed /
//! failed / skipped directives per file, the totals per proposal folder, and the final line
//! `N passed, N failed, N skipped`. Exits with 1 if anything failed.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Parser;
use wasmc_filetests::skips::SkipList;
use wasmc_filetests::wast::{Report, run_script};

/// Seconds a script may run before it counts as failed.
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(300);

#[derive(Parser)]
#[command(name = "wasmc-wast", about = "Run spec .wast scripts through wasmc-compiled code")]
struct Cli {
    /// The test suite's `core/` folder.
    #[arg(long, default_value_os_t = default_suite())]
    suite: PathBuf,
    /// The vendored threads scripts (`filetests/threads-testsuite`), whose files are named
    /// `threads-testsuite/...` in paths, reports and the skip list.
    #[arg(long, default_value_os_t = Path::new(env!("CARGO_MANIFEST_DIR")).join(THREADS))]
    threads_suite: PathBuf,
    /// The skip list.
    #[arg(long, default_value_os_t = Path::new(env!("CARGO_MANIFEST_DIR")).join("spec-skips.txt"))]
    skips: PathBuf,
    /// Scripts run at once (default: available cores).
    #[arg(long)]
    jobs: Option<usize>,
    /// Run one script in this process and print a machine-readable result (internal).
    #[arg(long, hide = true)]
    one: bool,
    /// Files or folders relative to the suite's `core/` (default: everything).
    paths: Vec<String>,
}

/// Name prefix (and folder in `filetests/`) of the vendored threads scripts.
const THREADS: &str = "threads-testsuite";

/// Where the script named `rel` is: under the threads suite for `threads-testsuite/...`,
/// else relative to the suite's `core/`.
fn resolve(cli: &Cli, rel: &str) -> PathBuf {
    match rel.strip_prefix(THREADS) {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => {
            cli.threads_suite.join(rest.trim_start_matches('/'))
        }
        _ => cli.suite.join(rel),
    }
}

fn default_suite() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/testsuite/core")
}

fn collect(cli: &Cli, rel: &str, out: &mut Vec<String>) -> Result<()> {
    let p = resolve(cli, rel);
    if p.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(&p)?.flatten().map(|e| e.file_name()).collect();
        entries.sort();
        for e in entries {
            let name = e.to_string_lossy();
            let child = if rel.is_empty() {
                name.to_string()
            } else {
                format!("{}/{name}", rel.trim_end_matches('/'))
            };
            collect(cli, &child, out)?;
        }
    } else if rel.ends_with(".wast") {
        out.push(rel.to_string());
    } else if !p.exists() {
        bail!("{}: no such file or folder", p.display());
    }
    Ok(())
}

/// Number of directives in a script (for files skipped whole).
fn count_directives(path: &Path) -> usize {
    let Ok(text) = std::fs::read_to_string(path) else { return 0 };
    let mut lexer = wast::lexer::Lexer::new(&text);
    lexer.allow_confusing_unicode(true);
    let Ok(buf) = wast::parser::ParseBuffer::new_with_lexer(lexer) else { return 0 };
    wast::parser::parse::<wast::Wast<'_>>(&buf).map_or(0, |w| w.directives.len())
}

fn run_one(cli: &Cli, skips: &SkipList) -> Result<()> {
    let [file] = cli.paths.as_slice() else { bail!("--one takes exactly one script") };
    let path = resolve(cli, file);
    let (file, skips) = (file.clone(), skips.clone());
    let report = std::thread::Builder::new()
        .stack_size(wasmc_filetests::wast::WASM_STACK + (16 << 20))
        .spawn(move || run_script(&path, &file, &skips))?
        .join()
        .map_err(|_| anyhow::anyhow!("the runner panicked"))?;
    match report {
        Ok(r) => {
            for f in &r.failures {
                println!("FAIL {f}");
            }
            println!("RESULT {} {} {}", r.passed, r.failed, r.skipped);
        }
        Err(e) => {
            println!("FAIL {e}");
            println!("RESULT 0 1 0");
        }
    }
    Ok(())
}

/// Runs one script in a child process.
fn run_child(cli: &Cli, file: &str) -> Report {
    let mut child = match Command::new(std::env::current_exe().expect("own path"))
        .arg("--one")
        .arg("--suite")
        .arg(&cli.suite)
        .arg("--threads-suite")
        .arg(&cli.threads_suite)
        .arg("--skips")
        .arg(&cli.skips)
        .arg(file)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => return failed(file, format!("cannot start the runner: {e}")),
    };
    let mut stdout = child.stdout.take().expect("piped");
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break Some(s),
            Ok(None) if start.elapsed() > SCRIPT_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(_) => break None,
        }
    };
    let out = reader.join().unwrap_or_default();
    let mut report = Report::default();
    let mut got_result = false;
    for line in out.lines() {
        if let Some(f) = line.strip_prefix("FAIL ") {
            report.failures.push(f.to_string());
        } else if let Some(r) = line.strip_prefix("RESULT ") {
            let n: Vec<usize> = r.split(' ').filter_map(|x| x.parse().ok()).collect();
            if let [p, f, s] = n[..] {
                (report.passed, report.failed, report.skipped) = (p, f, s);
                got_result = true;
            }
        }
    }
    if !got_result {
        let why = match status {
            None => format!("timed out after {}s", SCRIPT_TIMEOUT.as_secs()),
            Some(s) => format!("the runner crashed ({s})"),
        };
        report.failed += 1;
        report.failures.push(format!("{file}: {why}"));
    }
    report
}

fn failed(file: &str, why: String) -> Report {
    Report { failed: 1, failures: vec![format!("{file}: {why}")], ..Default::default() }
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    let skips_text =
        std::fs::read_to_string(&cli.skips).with_context(|| cli.skips.display().to_string())?;
    let skips = SkipList::parse(&skips_text).map_err(anyhow::Error::msg)?;
    if cli.one {
        return run_one(&cli, &skips);
    }
    let mut files = Vec::new();
    // Everything: `core/` and, beside it, the legacy exception-handling scripts.
    let roots = if cli.paths.is_empty() {
        let mut all = vec![String::new()];
        if cli.suite.join("../legacy").is_dir() {
            all.push("../legacy".to_string());
        }
        if cli.threads_suite.is_dir() {
            all.push(THREADS.to_string());
        }
        all
    } else {
        cli.paths.clone()
    };
    for r in &roots {
        collect(&cli, r, &mut files)?;
    }
    let jobs =
        cli.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    let results: Mutex<BTreeMap<String, (Report, Option<String>)>> = Mutex::new(BTreeMap::new());
    let queue = Mutex::new(files.clone());
    std::thread::scope(|s| {
        for _ in 0..jobs.max(1) {
            s.spawn(|| {
                loop {
                    let Some(file) = queue.lock().unwrap().pop() else { break };
                    let entry = match skips.file_reason(&file) {
                        Some(reason) => (
                            Report {
                                skipped: count_directives(&resolve(&cli, &file)),
                                ..Default::default()
                            },
                            Some(reason.to_string()),
                        ),
                        None => (run_child(&cli, &file), None),
                    };
                    results.lock().unwrap().insert(file, entry);
                }
            });
        }
    });
    let results = results.into_inner().unwrap();
    let mut totals = Report::default();
    let mut by_folder: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    println!("{:<48} {:>7} {:>7} {:>7}", "file", "passed", "failed", "skipped");
    for (file, (r, reason)) in &results {
        let note = reason.as_ref().map(|r| format!("  (skipped: {r})")).unwrap_or_default();
        println!("{file:<48} {:>7} {:>7} {:>7}{note}", r.passed, r.failed, r.skipped);
        totals.passed += r.passed;
        totals.failed += r.failed;
        totals.skipped += r.skipped;
        let folder =
            file.rsplit_once('/').map_or("(top level)".to_string(), |(d, _)| format!("{d}/"));
        let e = by_folder.entry(folder).or_default();
        e.0 += r.passed;
        e.1 += r.failed;
        e.2 += r.skipped;
    }
    println!();
    println!("{:<48} {:>7} {:>7} {:>7}", "folder", "passed", "failed", "skipped");
    for (folder, (p, f, s)) in &by_folder {
        println!("{folder:<48} {p:>7} {f:>7} {s:>7}");
    }
    let failures: Vec<&String> = results.values().flat_map(|(r, _)| &r.failures).collect();
    if !failures.is_empty() {
        println!();
        for f in failures.iter().take(200) {
            println!("FAIL {f}");
        }
        if failures.len() > 200 {
            println!("... {} more failures", failures.len() - 200);
        }
    }
    println!();
    println!("{} passed, {} failed, {} skipped", totals.passed, totals.failed, totals.skipped);
    if totals.failed > 0 {
        std::process::exit(1);
    }
    Ok(())
}
