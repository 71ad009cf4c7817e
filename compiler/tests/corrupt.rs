//! Robustness: `wasmc` fed corrupted variants of valid modules (truncated, bytes flipped,
//! sections swapped or duplicated) must either compile them (if still valid) or print one
//! error line naming the byte offset and exit with status 1: never a panic or a signal, and
//! no output file left behind on failure.

mod common;

use std::path::Path;

use common::{programs_dir, run_wasmc};
use libtest_mimic::{Arguments, Failed, Trial};

/// Variants per seed module.
const VARIANTS_PER_MODULE: usize = 110;

/// `(offset, end)` of each section after the 8-byte header.
fn sections(wasm: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut pos = 8;
    while pos < wasm.len() {
        let start = pos;
        pos += 1;
        let (mut size, mut shift) = (0usize, 0);
        loop {
            let Some(b) = wasm.get(pos) else { return out };
            pos += 1;
            size |= ((b & 0x7f) as usize) << shift;
            shift += 7;
            if b & 0x80 == 0 || shift > 28 {
                break;
            }
        }
        pos += size;
        out.push((start, pos.min(wasm.len())));
    }
    out
}

fn mutate(wasm: &[u8], rng: &mut fastrand::Rng, kind: usize) -> Vec<u8> {
    let mut w = wasm.to_vec();
    match kind % 4 {
        0 => w.truncate(rng.usize(0..wasm.len())),
        1 => {
            for _ in 0..rng.usize(1..=4) {
                let i = rng.usize(0..w.len());
                w[i] = rng.u8(..);
            }
        }
        2 => {
            let s = sections(wasm);
            if s.len() >= 2 {
                let a = rng.usize(0..s.len());
                let mut b = rng.usize(0..s.len());
                if a == b {
                    b = (a + 1) % s.len();
                }
                let (a, b) = (a.min(b), a.max(b));
                let mut out = wasm[..s[a].0].to_vec();
                out.extend_from_slice(&wasm[s[b].0..s[b].1]);
                out.extend_from_slice(&wasm[s[a].1..s[b].0]);
                out.extend_from_slice(&wasm[s[a].0..s[a].1]);
                out.extend_from_slice(&wasm[s[b].1..]);
                w = out;
            }
        }
        _ => {
            let s = sections(wasm);
            if let Some(&(a, b)) = s.get(rng.usize(0..s.len().max(1))) {
                let dup = wasm[a..b].to_vec();
                let at = s[rng.usize(0..s.len())].0;
                w.splice(at..at, dup);
            }
        }
    }
    w
}

fn check_variant(dir: &Path, i: usize, bytes: &[u8]) -> Result<bool, String> {
    let input = dir.join(format!("v{i}.wasm"));
    let output = dir.join(format!("v{i}.o"));
    std::fs::write(&input, bytes).map_err(|e| e.to_string())?;
    let args = ["-c", "-O0", "-o"]
        .iter()
        .map(|s| s.to_string())
        .chain([output.display().to_string(), input.display().to_string()]);
    let out = run_wasmc(dir, &args.collect::<Vec<_>>(), &[]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let result = match out.status.code() {
        Some(0) if output.is_file() => Ok(true),
        Some(1) => {
            let lines: Vec<&str> = stderr.lines().collect();
            if output.exists() {
                Err("failed but left an output file".into())
            } else if lines.len() != 1
                || !lines[0].starts_with("wasmc: error:")
                || !lines[0].contains("offset")
            {
                Err(format!("expected one error line naming an offset, got:\n{stderr}"))
            } else {
                Ok(false)
            }
        }
        other => Err(format!("status {other:?}:\n{stderr}")),
    };
    let _ = std::fs::remove_file(&input);
    let _ = std::fs::remove_file(&output);
    result.map_err(|e| format!("variant {i}: {e}"))
}

fn corrupt_all() -> Result<(), Failed> {
    let mut seeds: Vec<_> = std::fs::read_dir(programs_dir().join("c-wasi"))?
        .flatten()
        .flat_map(|d| std::fs::read_dir(d.path()).into_iter().flatten().flatten())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "wasm"))
        .collect();
    seeds.sort();
    if seeds.is_empty() {
        return Err("no seed modules found".into());
    }
    let mut variants = Vec::new();
    let mut rng = fastrand::Rng::with_seed(0x5eed_ba5e);
    for seed in &seeds {
        let wasm = std::fs::read(seed)?;
        for k in 0..VARIANTS_PER_MODULE {
            variants.push(mutate(&wasm, &mut rng, k));
        }
    }
    let work = tempfile::tempdir()?;
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let chunk = variants.len().div_ceil(threads);
    let results: Vec<Result<(usize, usize), String>> = std::thread::scope(|s| {
        let handles: Vec<_> = variants
            .chunks(chunk)
            .enumerate()
            .map(|(c, vs)| {
                let dir = work.path();
                s.spawn(move || {
                    let (mut valid, mut invalid) = (0, 0);
                    for (j, v) in vs.iter().enumerate() {
                        if check_variant(dir, c * chunk + j, v)? {
                            valid += 1;
                        } else {
                            invalid += 1;
                        }
                    }
                    Ok((valid, invalid))
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("worker")).collect()
    });
    let (mut valid, mut invalid) = (0, 0);
    for r in results {
        let (v, i) = r?;
        valid += v;
        invalid += i;
    }
    eprintln!(
        "{} variants: {valid} still valid and compiled, {invalid} rejected with one error line",
        variants.len()
    );
    if valid + invalid < 1000 || invalid < 500 {
        return Err(format!("too few variants exercised ({valid} valid, {invalid} invalid)").into());
    }
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let trials = vec![Trial::test("corrupted_modules_give_one_line_errors", corrupt_all)];
    libtest_mimic::run(&args, trials).exit();
}
