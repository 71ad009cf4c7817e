//! `cargo +nightly fuzz run spiller`: see `wasmc_fuzz::spiller`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(e) = wasmc_fuzz::spiller::run(data) {
        panic!("{e}");
    }
});
