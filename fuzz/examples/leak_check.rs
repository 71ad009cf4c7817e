//! Runs the differential oracle over its corpus again and again in one process and prints
//! the resident set size after each pass, to show that a long fuzz run stays flat in memory:
//! `cargo run --release -p wasmc-fuzz --example leak_check [-- PASSES [DIR]]` (default: 5
//! passes over `fuzz/corpus/differential`, run from the workspace root).
//!
//! Also prints the canonical type registry's size (live types and slots ever allocated): it
//! must stop growing after the first pass, as every module's types are released with the
//! store that instantiated it.

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let passes: usize = args.next().map_or(5, |p| p.parse().expect("PASSES is a number"));
    let dir = args.next().unwrap_or_else(|| "fuzz/corpus/differential".into());
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    let inputs: Vec<Vec<u8>> =
        files.iter().map(|f| std::fs::read(f).expect("read input")).collect();
    let start = rss_kib();
    println!("start: VmRSS {start} KiB, {} inputs", inputs.len());
    for pass in 1..=passes {
        let mut tally = wasmc_fuzz::differential::Tally::default();
        for d in &inputs {
            tally.add(&wasmc_fuzz::differential::run(d));
        }
        let (live, slots) = wasmc_runtime::types::registry_size();
        println!(
            "pass {pass}: VmRSS {} KiB ({:+} KiB since start); canonical types {live} live, \
             {slots} slots; {tally}",
            rss_kib(),
            rss_kib() as i64 - start as i64
        );
    }
}
