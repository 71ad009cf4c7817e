//! The wasmc runtime: linked into every program compiled by `wasmc` (as a staticlib) and into
//! the spec test runner (as an rlib). It instantiates compiled modules, handles traps,
//! walks Wasm stacks, implements the builtins (libcalls) and WASI preview1.

#![deny(missing_docs)]
#![warn(unsafe_op_in_unsafe_fn)]
#![warn(clippy::undocumented_unsafe_blocks)]

/// The binary contract with compiled code (`wasmc_abi::vm`).
pub use wasmc_abi::vm as abi;
pub mod capi;
pub mod config;
pub mod embed;
pub mod entry;
pub mod exceptions;
pub mod exit;
pub mod gc;
pub mod host_values;
pub mod instance;
pub mod libcalls;
pub mod memory;
pub mod model_check;
pub mod owner;
pub mod parking;
pub use wasmc_abi::{meta, printable};
pub mod registry;
pub mod roots;
pub mod sched;
pub mod spectest;
pub mod stack;
pub mod store;
pub mod table;
pub mod threads;
pub mod traps;
pub mod types;
pub mod wasi;
