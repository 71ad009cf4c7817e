//! Writes the `calls-NNNN` inputs of the differential corpus: the first 40 byte strings of
//! a fixed xorshift stream whose modules, with the oracle's wasm-smith configuration, make
//! at least two compared calls; at least half of them also use SIMD operators. Rerun it
//! when that configuration changes (the same bytes then make other modules):
//! `cargo run --release -p wasmc-fuzz --example pick_calls`.

use std::path::Path;

fn simd_operators(wasm: &[u8]) -> usize {
    let simd = ["V128", "I8x16", "I16x8", "I32x4", "I64x2", "F32x4", "F64x2"];
    let mut n = 0;
    for payload in wasmparser::Parser::new(0).parse_all(wasm).flatten() {
        if let wasmparser::Payload::CodeSectionEntry(body) = payload
            && let Ok(mut ops) = body.get_operators_reader()
        {
            while let Ok(op) = ops.read() {
                let op = format!("{op:?}");
                n += usize::from(simd.iter().any(|p| op.starts_with(p)));
            }
        }
    }
    n
}

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
    let (mut picked, mut with_simd, mut calls, mut tried) = (0, 0, 0, 0);
    while picked < 40 {
        tried += 1;
        let n = 512 + (next() % 4096) as usize;
        let data: Vec<u8> = (0..n).map(|_| next() as u8).collect();
        let Ok(wasmc_fuzz::differential::Verdict::Agreed { calls: c, .. }) =
            wasmc_fuzz::differential::run(&data)
        else {
            continue;
        };
        let mut u = arbitrary::Unstructured::new(&data);
        let simd = wasmc_fuzz::differential::module(&mut u).map_or(0, |m| simd_operators(&m));
        // Half the picks must use SIMD: once 20 plain ones are in, wait for SIMD ones.
        if c < 2 || (simd == 0 && picked - with_simd >= 20) {
            continue;
        }
        std::fs::write(dir.join(format!("calls-{picked:04}")), &data).expect("write an input");
        picked += 1;
        with_simd += usize::from(simd > 0);
        calls += c;
    }
    println!("{picked} inputs of {tried} tried ({with_simd} with SIMD), {calls} calls compared");
}
