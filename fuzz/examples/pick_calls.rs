//! Writes the `calls-NNNN` inputs of the differential corpus: the first 40 byte strings of
//! a fixed xorshift stream whose modules, with the oracle's wasm-smith configuration, make
//! at least two compared calls; at least half of them also use SIMD operators, and at
//! least a quarter atomic operators (threads). Rerun it
//! when that configuration changes (the same bytes then make other modules):
//! `cargo run --release -p wasmc-fuzz --example pick_calls`.

use std::path::Path;

/// Operators of `wasm` whose names start with one of `prefixes` or contain `infix`.
fn operators(wasm: &[u8], prefixes: &[&str], infix: &str) -> usize {
    let mut n = 0;
    for payload in wasmparser::Parser::new(0).parse_all(wasm).flatten() {
        if let wasmparser::Payload::CodeSectionEntry(body) = payload
            && let Ok(mut ops) = body.get_operators_reader()
        {
            while let Ok(op) = ops.read() {
                let op = format!("{op:?}");
                n += usize::from(
                    prefixes.iter().any(|p| op.starts_with(p))
                        || (!infix.is_empty() && op.contains(infix)),
                );
            }
        }
    }
    n
}

fn simd_operators(wasm: &[u8]) -> usize {
    operators(wasm, &["V128", "I8x16", "I16x8", "I32x4", "I64x2", "F32x4", "F64x2"], "")
}

fn atomic_operators(wasm: &[u8]) -> usize {
    operators(wasm, &[], "Atomic")
}

/// Inputs written, of them with SIMD, of them with atomics.
const PICKS: usize = 40;
const SIMD_PICKS: usize = 20;
const ATOMIC_PICKS: usize = 10;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/differential");
    for e in std::fs::read_dir(&dir).expect("corpus directory").flatten() {
        if e.file_name().to_string_lossy().starts_with("calls-") {
            std::fs::remove_file(e.path()).expect("remove an old input");
        }
    }
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let (mut picked, mut with_simd, mut with_atomics, mut calls, mut tried) = (0, 0, 0, 0, 0);
    while picked < PICKS {
        tried += 1;
        let n = 512 + (next() % 4096) as usize;
        let data: Vec<u8> = (0..n).map(|_| next() as u8).collect();
        let Ok(wasmc_fuzz::differential::Verdict::Agreed { calls: c, .. }) =
            wasmc_fuzz::differential::run(&data)
        else {
            continue;
        };
        let mut u = arbitrary::Unstructured::new(&data);
        let module = wasmc_fuzz::differential::module(&mut u).unwrap_or_default();
        let (simd, atomics) = (simd_operators(&module), atomic_operators(&module));
        // Quotas: once the free slots are taken, only an input that fills a quota still
        // missing is picked.
        let need_simd = SIMD_PICKS.saturating_sub(with_simd);
        let need_atomics = ATOMIC_PICKS.saturating_sub(with_atomics);
        let fills = (simd > 0 && need_simd > 0) || (atomics > 0 && need_atomics > 0);
        if c < 2 || !(fills || PICKS - picked > need_simd + need_atomics) {
            continue;
        }
        std::fs::write(dir.join(format!("calls-{picked:04}")), &data).expect("write an input");
        picked += 1;
        with_simd += usize::from(simd > 0);
        with_atomics += usize::from(atomics > 0);
        calls += c;
    }
    println!(
        "{picked} inputs of {tried} tried ({with_simd} with SIMD, {with_atomics} with atomics), \
         {calls} calls compared"
    );
}
