//! `wasmc`: an ahead-of-time compiler from WebAssembly to native code, built on Cranelift.
//!
//! The pipeline (DESIGN.md "Pipeline"): [`module`] parses and validates, [`translate`] lowers
//! each function to CLIF, [`emit`] compiles with Cranelift and writes an ELF object with the
//! metadata the runtime needs, and [`link`] links that object with the runtime into an
//! executable.

#![deny(missing_docs)]

pub mod abi;
pub mod cache;
pub mod child;
pub mod debug;
pub mod dwarf;
pub mod emit;
pub mod error;
pub mod exec;
pub mod header;
pub mod input;
pub mod link;
pub mod may_gc;
pub mod module;
pub mod safepoints;
pub mod translate;
pub mod trust;
pub mod workdir;

pub use emit::{Compiled, Config, OptLevel, Stage, clif, compile};
pub use error::CompileError;
pub use input::wasm_bytes;
