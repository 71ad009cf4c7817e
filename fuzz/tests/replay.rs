//! Replays each fuzz target's oracle over its checked-in corpus (`corpus/<target>/`), so the
//! oracles run in CI on the stable toolchain (cargo-fuzz needs nightly). One trial per
//! target; a failure names the input file. The replays also check that the oracles could
//! have failed: enough runs must be conclusive, and the differential oracle must report a
//! spiller bug planted through a compiler debug switch.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use libtest_mimic::{Arguments, Failed, Trial};
use wasmc_fuzz::differential::Tally;
use wasmc_fuzz::spiller::SpillerVerdict;

/// Least fraction of the differential corpus whose runs are conclusive (instantiated alike,
/// initial state compared, then every callable export called on both engines and
/// compared). Measured: 245 of 250 inputs (98.0%, with SIMD and threads in the modules);
/// the other 5 end in stack or heap exhaustion.
const DIFFERENTIAL_CONCLUSIVE_FLOOR: f64 = 0.90;
/// Least number of calls the differential corpus compares (many random modules export no
/// callable function). Measured: 199 (the `calls-*` inputs are picked by
/// `examples/pick_calls.rs`).
const DIFFERENTIAL_CALLS_FLOOR: usize = 170;
/// Least number of reference arguments, over the differential corpus, that earlier calls
/// had returned (the oracle holds them across collections and passes them back). Measured:
/// 6, all from `host-held.wat`.
const DIFFERENTIAL_KEPT_ARGS_FLOOR: usize = 6;
/// Most spiller corpus inputs whose interpretation may give up (fuel or liveness rounds
/// exhausted) instead of comparing results. Measured: 0 of 200.
const SPILLER_GAVE_UP_CEILING: f64 = 0.05;

/// Set in the child process of the planted-bug self-test: the index of the first corpus
/// input to run.
const CHILD_ENV: &str = "WASMC_FUZZ_PLANTED_BUG_FROM";

fn corpus(target: &str, min_inputs: usize) -> Result<Vec<PathBuf>, Failed> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus").join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    if files.len() < min_inputs {
        return Err(format!(
            "{target}: only {} corpus inputs (at least {min_inputs})",
            files.len()
        )
        .into());
    }
    Ok(files)
}

fn replay(
    target: &str,
    min_inputs: usize,
    check: fn(&[u8]) -> Result<(), String>,
) -> Result<(), Failed> {
    for f in &corpus(target, min_inputs)? {
        let data = std::fs::read(f)?;
        check(&data).map_err(|e| format!("{}: {e}", f.display()))?;
    }
    Ok(())
}

fn differential() -> Result<(), Failed> {
    let mut tally = Tally::default();
    for f in &corpus("differential", 200)? {
        let data = std::fs::read(f)?;
        let r = wasmc_fuzz::differential::run(&data);
        tally.add(&r);
        let r = r.map_err(|e| format!("{}: {e}", f.display()))?;
        // A hand-written module must be one (a typo would make it a random input) and must
        // run to the end on both engines.
        if f.extension().is_some_and(|e| e == "wat") {
            let agreed =
                matches!(r, wasmc_fuzz::differential::Verdict::Agreed { calls, .. } if calls > 0);
            if wasmc_fuzz::differential::given_module(&data).is_none() || !agreed {
                return Err(format!("{}: a hand-written module gave {r:?}", f.display()).into());
            }
        }
    }
    println!("differential corpus: {tally}");
    if tally.conclusive_fraction() < DIFFERENTIAL_CONCLUSIVE_FLOOR {
        return Err(format!(
            "only {:.1}% of the runs are conclusive (floor {:.0}%): {tally}",
            100.0 * tally.conclusive_fraction(),
            100.0 * DIFFERENTIAL_CONCLUSIVE_FLOOR
        )
        .into());
    }
    if tally.kept_args < DIFFERENTIAL_KEPT_ARGS_FLOOR {
        return Err(format!(
            "only {} kept references passed back (floor {DIFFERENTIAL_KEPT_ARGS_FLOOR}): {tally}",
            tally.kept_args
        )
        .into());
    }
    if tally.calls < DIFFERENTIAL_CALLS_FLOOR {
        return Err(format!(
            "only {} calls compared (floor {DIFFERENTIAL_CALLS_FLOOR}): {tally}",
            tally.calls
        )
        .into());
    }
    Ok(())
}

/// The compiler with the planted spiller bug: the first stack map entry of every safepoint
/// dropped, and no spill verification (which would reject the code at compile time).
fn planted() -> wasmc::Config {
    wasmc::Config { drop_stack_map_entry: true, verify_spills: false, ..Default::default() }
}

/// Child side of [`differential_catches_planted_bug`]: runs the differential oracle with
/// the planted bug over the corpus from input `from`, printing `index verdict` lines as it
/// goes (a broken spiller may crash the process, in the collector, where no trap handler
/// applies: the parent then knows which input did it).
fn planted_child(from: usize) -> ! {
    use std::io::Write;
    let files = corpus("differential", 0).expect("the corpus");
    let mut out = std::io::stdout().lock();
    for (i, f) in files.iter().enumerate().skip(from) {
        let data = std::fs::read(f).expect("a corpus input");
        writeln!(out, "begin {i}").and_then(|()| out.flush()).expect("stdout");
        let verdict = match wasmc_fuzz::differential::run_with(&data, &planted()) {
            Ok(_) => "agreed",
            Err(_) => "reported",
        };
        writeln!(out, "{i} {verdict}").and_then(|()| out.flush()).expect("stdout");
    }
    std::process::exit(0);
}

/// The self-test: with the planted spiller bug, the differential oracle reports a
/// disagreement or a fault on some corpus input, or the process dies on one (a crash is a
/// finding for the fuzzer too). Each run happens in a child process of this test binary.
fn differential_catches_planted_bug() -> Result<(), Failed> {
    let inputs = corpus("differential", 200)?.len();
    let (mut from, mut reported, mut crashed) = (0, 0, 0);
    while from < inputs {
        let mut child = Command::new(std::env::current_exe()?)
            .env(CHILD_ENV, from.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let mut next = from;
        // The input the child is running, between its `begin i` and `i verdict` lines.
        let mut running = None;
        for line in BufReader::new(child.stdout.take().ok_or("child stdout")?).lines() {
            let line = line?;
            let (first, second) = line.split_once(' ').ok_or("a malformed child line")?;
            if first == "begin" {
                running = Some(second.parse::<usize>()?);
                continue;
            }
            reported += usize::from(second == "reported");
            next = first.parse::<usize>()? + 1;
            running = None;
        }
        let status = child.wait()?;
        if !status.success() {
            // Only a death while running an input is that input's finding.
            let Some(i) = running else {
                return Err(format!("the child died outside any input ({status})").into());
            };
            crashed += 1;
            next = i + 1;
        }
        from = next;
    }
    println!("planted spiller bug: {reported} inputs report it, {crashed} crash, of {inputs}");
    if reported + crashed == 0 {
        return Err("the differential oracle does not notice the planted spiller bug".into());
    }
    Ok(())
}

fn spiller() -> Result<(), Failed> {
    let files = corpus("spiller", 200)?;
    let (mut checked, mut gave_up, mut none) = (0, 0, 0);
    for f in &files {
        let data = std::fs::read(f)?;
        match wasmc_fuzz::spiller::run(&data).map_err(|e| format!("{}: {e}", f.display()))? {
            SpillerVerdict::Checked => checked += 1,
            SpillerVerdict::GaveUp(_) => gave_up += 1,
            SpillerVerdict::NoFunction => none += 1,
        }
    }
    println!(
        "spiller corpus: {} inputs: {checked} checked, {gave_up} gave up, {none} too short",
        files.len()
    );
    if gave_up as f64 > SPILLER_GAVE_UP_CEILING * files.len() as f64 {
        return Err(format!(
            "{gave_up} of {} spiller inputs gave up (ceiling {:.0}%)",
            files.len(),
            100.0 * SPILLER_GAVE_UP_CEILING
        )
        .into());
    }
    Ok(())
}

fn main() {
    if let Ok(from) = std::env::var(CHILD_ENV) {
        planted_child(from.parse().expect("an input index"));
    }
    let args = Arguments::from_args();
    let trials = vec![
        Trial::test("corpus::compile", || replay("compile", 200, wasmc_fuzz::compile::run)),
        Trial::test("corpus::spiller", spiller),
        Trial::test("corpus::differential", differential),
        Trial::test("corpus::differential_catches_planted_bug", differential_catches_planted_bug),
    ];
    libtest_mimic::run(&args, trials).exit();
}
