//! Writes the seed corpora of the fuzz targets (`corpus/compile`, `corpus/spiller`),
//! deterministically (a fixed xorshift stream), for the stable replay test and as seeds for
//! cargo-fuzz: `cargo run -p wasmc-fuzz --example gen_corpus`.
//!
//! compile: 120 valid modules made by wasm-smith with the project's configuration, 60
//! corrupted copies of them (truncated, bytes flipped, sections swapped), 20 random byte
//! strings. spiller and differential: 200 random byte strings each (the generators'
//! choices).

use std::path::Path;
use wasmc_fuzz::smith::XorShift;

fn write(dir: &Path, i: usize, data: &[u8]) {
    std::fs::write(dir.join(format!("seed-{i:04}")), data).expect("write corpus file");
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let compile = root.join("compile");
    let spiller = root.join("spiller");
    let differential = root.join("differential");
    for d in [&compile, &spiller, &differential] {
        let _ = std::fs::remove_dir_all(d);
        std::fs::create_dir_all(d).expect("corpus dir");
    }
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let mut modules = Vec::new();
    while modules.len() < 120 {
        let n = 256 + rng.below(4096);
        let seed = rng.bytes(n);
        if let Some(m) = wasmc_fuzz::smith::module(&seed) {
            modules.push(m);
        }
    }
    let mut i = 0;
    for m in &modules {
        write(&compile, i, m);
        i += 1;
    }
    for k in 0..60 {
        let mut m = modules[k * 2].clone();
        match k % 3 {
            0 => m.truncate(8 + rng.below(m.len().saturating_sub(8))),
            1 => {
                for _ in 0..1 + rng.below(4) {
                    let at = rng.below(m.len());
                    m[at] ^= 1 << rng.below(8);
                }
            }
            _ => {
                // Swap two byte ranges after the header (often: sections out of order).
                let len = m.len();
                if len > 16 {
                    let a = 8 + rng.below(len - 8);
                    let b = 8 + rng.below(len - 8);
                    let (a, b) = (a.min(b), a.max(b));
                    m[a..b].rotate_left((b - a) / 2);
                }
            }
        }
        write(&compile, i, &m);
        i += 1;
    }
    for _ in 0..20 {
        let n = rng.below(512);
        let data = rng.bytes(n);
        write(&compile, i, &data);
        i += 1;
    }
    for j in 0..200 {
        let n = 64 + rng.below(2048);
        write(&spiller, j, &rng.bytes(n));
    }
    for j in 0..200 {
        let n = 512 + rng.below(4096);
        write(&differential, j, &rng.bytes(n));
    }
    println!("wrote {i} compile and 200 spiller and differential inputs under {}", root.display());
}
