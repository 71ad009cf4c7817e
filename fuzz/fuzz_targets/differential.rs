//! `cargo +nightly fuzz run differential`: see `wasmc_fuzz::differential`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(e) = wasmc_fuzz::differential::run(data) {
        panic!("{e}");
    }
});
