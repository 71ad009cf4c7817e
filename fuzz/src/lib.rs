//! Fuzzing oracles of wasmc (STYLE.md: "fuzzing oracles are library code"), shared by the
//! cargo-fuzz targets in `fuzz_targets/` and the stable corpus-replay test
//! (`tests/replay.rs`), which runs every oracle over the checked-in corpus in `corpus/`.
//!
//! - [`compile`]: arbitrary bytes, and valid modules made from them by wasm-smith, into the
//!   compiler: never a panic, never an internal error, never a multi-line message.
//! - [`differential`]: wasm-smith modules run by wasmc (collecting at every allocation,
//!   poisoning from-space) and by the `wasmtime` crate (copying collector), compared.
//! - [`spiller`]: generated CLIF functions with references through the safepoint spiller,
//!   checked by interpretation under a simulated moving collector.

#![deny(missing_docs)]

pub mod compile;
pub mod differential;
pub mod smith;
pub mod spiller;
