//! `cargo +nightly fuzz run compile`: see `wasmc_fuzz::compile`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(e) = wasmc_fuzz::compile::run(data) {
        panic!("{e}");
    }
});
