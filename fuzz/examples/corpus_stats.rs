//! Figures about the differential corpus: how many inputs ran on both engines, and which
//! operators (all, those of GC, typed references, exceptions and tail calls, and those of
//! threads) the generated modules contain:
//! `cargo run -p wasmc-fuzz --example corpus_stats [--no-run] [DIR...]`
//! (default: `fuzz/corpus/differential`, from the workspace root).

fn main() {
    let mut tally = wasmc_fuzz::differential::Tally::default();
    let mut ops = std::collections::BTreeSet::new();
    let mut dirs: Vec<String> = std::env::args().skip(1).collect();
    // `--no-run`: count operators only, without running the oracle.
    let run = !dirs.iter().any(|d| d == "--no-run");
    dirs.retain(|d| d != "--no-run");
    if dirs.is_empty() {
        dirs.push("fuzz/corpus/differential".into());
    }
    let mut dir: Vec<_> = dirs
        .iter()
        .flat_map(|d| std::fs::read_dir(d).expect("corpus directory").flatten().map(|e| e.path()))
        .collect();
    dir.sort();
    for p in dir {
        let d = std::fs::read(&p).unwrap();
        if run {
            let r = wasmc_fuzz::differential::run(&d);
            if let Err(e) = &r {
                println!("{}: {e}", p.display());
            }
            tally.add(&r);
        }
        let mut u = arbitrary::Unstructured::new(&d);
        if let Ok(bytes) = wasmc_fuzz::differential::module(&mut u) {
            for payload in wasmparser::Parser::new(0).parse_all(&bytes) {
                if let Ok(wasmparser::Payload::CodeSectionEntry(body)) = payload {
                    if let Ok(mut r) = body.get_operators_reader() {
                        while let Ok(op) = r.read() {
                            let n = format!("{op:?}");
                            let n = n.split([' ', '{', '(']).next().unwrap().to_string();
                            ops.insert(n);
                        }
                    }
                }
            }
        }
    }
    if run {
        println!("{tally}");
    }
    // Operator name prefixes of GC, typed references, exceptions and tail calls.
    const PREFIXES: &[&str] = &[
        "Struct",
        "Array",
        "Ref",
        "I31",
        "BrOnCast",
        "AnyConvert",
        "ExternConvert",
        "Throw",
        "TryTable",
        "ReturnCall",
        "CallRef",
        "BrOnNull",
        "BrOnNonNull",
    ];
    let gc: Vec<_> = ops.iter().filter(|o| PREFIXES.iter().any(|p| o.starts_with(p))).collect();
    println!("{} distinct operators, {} GC/ref/EH/tail: {:?}", ops.len(), gc.len(), gc);
    // The threads proposal's: atomic accesses, waits, notifies, fences.
    let atomic: Vec<_> = ops.iter().filter(|o| o.contains("Atomic")).collect();
    println!("{} threads operators: {:?}", atomic.len(), atomic);
}
